from django.contrib import admin

from zhifu_reopen.admin_base import ReadOnlyGrantsAdmin

from .models import LiaisonAssignment, PatrolTeam


@admin.register(PatrolTeam)
class PatrolTeamAdmin(ReadOnlyGrantsAdmin):
    list_display = ("name", "jurisdiction")
    list_filter = ("jurisdiction",)


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(admin.ModelAdmin):
    list_display = ("liaison", "enterprise", "assigned_at")
    raw_id_fields = ("liaison", "enterprise")
