"""Read-only admin: every change to an application goes through the services (rules + audit)."""

from django.contrib import admin

from .models import Application, Decision, LeaderMeeting, Material, ReturningEmployee, Signature


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnly):
    list_display = ["number", "enterprise", "chain", "status", "current_step", "step_deadline", "iteration"]
    list_filter = ["status", "chain", "current_step", "category"]
    search_fields = ["number", "enterprise__name"]
    list_select_related = ["enterprise"]
    show_full_result_count = False


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ["application", "iteration", "kind", "outcome", "actor", "post", "created_at"]
    list_select_related = ["application__enterprise", "actor"]
    show_full_result_count = False


admin.site.register([Material, Signature, LeaderMeeting], ReadOnly)


@admin.register(ReturningEmployee)
class ReturningEmployeeAdmin(ReadOnly):
    # Personal data stays masked even here.
    list_display = ["application", "name_masked", "id_masked", "health_status"]
    fields = readonly_fields = ["application", "name_masked", "id_masked", "mobile_masked", "health_status"]
    list_select_related = ["application__enterprise"]
