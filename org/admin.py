"""Admin for the organisation: editable; django-guardian's object-permission pages show who holds a post, read-only
(posts are appointed and ended on the people-and-posts pages, which write the audit trail)."""

from django.contrib import admin

from zhifu_reopen.admin_base import ReadOnlyGrantsAdmin

from .models import Community, Department, Grid, Jurisdiction, PatrolTeam


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


@admin.register(PatrolTeam)
class PatrolTeamAdmin(ReadOnlyGrantsAdmin):
    list_display = ("name", "jurisdiction")
    list_filter = ("jurisdiction",)
