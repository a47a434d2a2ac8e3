"""Admin for the organisation (editable; django-guardian's object-permission pages show who holds a post, read-only)
and a read-only view of firms: firms change only through the services, which write the audit trail."""

from django.contrib import admin

from zhifu_reopen.admin_base import ReadOnlyAdmin, ReadOnlyGrantsAdmin

from .models import Community, Department, Enterprise, Grid, Jurisdiction, SurveyVisit


class CommunityInline(admin.TabularInline):
    model = Community
    extra = 0


@admin.register(Jurisdiction)
class JurisdictionAdmin(ReadOnlyGrantsAdmin):
    list_display = ("code", "name", "kind", "phone")
    search_fields = ("code", "name")
    inlines = [CommunityInline]


class GridInline(admin.TabularInline):
    model = Grid
    extra = 0


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "jurisdiction")
    list_filter = ("jurisdiction",)
    inlines = [GridInline]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyGrantsAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


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
