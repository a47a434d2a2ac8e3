"""Admin for the organisation: editable, with django-guardian's object-permission pages to grant posts."""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import Community, Department, Grid, Jurisdiction, PatrolTeam


class CommunityInline(admin.TabularInline):
    model = Community
    extra = 0


@admin.register(Jurisdiction)
class JurisdictionAdmin(GuardedModelAdmin):
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
class DepartmentAdmin(GuardedModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(PatrolTeam)
class PatrolTeamAdmin(GuardedModelAdmin):
    list_display = ("name", "jurisdiction")
    list_filter = ("jurisdiction",)
