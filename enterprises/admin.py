"""Admin: a read-only view of enterprises (they change only through the services, which write the audit
trail) and the liaison assignments. The organisation's admin is in ``org.admin``."""

from django.contrib import admin

from zhifu_reopen.admin_base import ReadOnlyAdmin

from .models import Enterprise, LiaisonAssignment, SurveyVisit


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "jurisdiction", "scale", "category", "operating_status")
    list_filter = ("jurisdiction", "scale", "category", "operating_status")
    search_fields = ("name", "credit_code")
    show_full_result_count = False


@admin.register(SurveyVisit)
class SurveyVisitAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "visited_on", "official", "observed_status")
    raw_id_fields = ("enterprise",)
    show_full_result_count = False


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(admin.ModelAdmin):
    list_display = ("liaison", "enterprise", "assigned_at")
    raw_id_fields = ("liaison", "enterprise")
