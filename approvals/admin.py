"""Read-only admin: every change to an application goes through the services (rules + audit)."""

from django.contrib import admin

from zhifu_reopen.admin_base import ReadOnlyAdmin

from .models import Application, Decision, LeaderMeeting, Material, ReturningEmployee, Signature


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["number", "enterprise", "chain", "status", "current_step", "step_deadline", "iteration"]
    list_filter = ["status", "chain", "current_step", "category"]
    search_fields = ["number", "enterprise__name"]
    list_select_related = ["enterprise"]
    show_full_result_count = False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "iteration", "kind", "outcome", "actor", "post", "created_at"]
    list_select_related = ["application__enterprise", "actor"]
    show_full_result_count = False


admin.site.register([Material, Signature, LeaderMeeting], ReadOnlyAdmin)


@admin.register(ReturningEmployee)
class ReturningEmployeeAdmin(ReadOnlyAdmin):
    # Personal data stays masked even here (the masks of zhifu_reopen.pii, as approvals.personal shows them).
    list_display = ["application", "name_masked", "id_masked", "health_masked"]
    fields = readonly_fields = ["application", "name_masked", "id_masked", "mobile_masked", "health_masked"]
    list_select_related = ["application__enterprise"]
