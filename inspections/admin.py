from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import LiaisonAssignment, PatrolTeam


@admin.register(PatrolTeam)
class PatrolTeamAdmin(GuardedModelAdmin):
    list_display = ("name", "jurisdiction")
    list_filter = ("jurisdiction",)


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(admin.ModelAdmin):
    list_display = ("liaison", "enterprise", "assigned_at")
    raw_id_fields = ("liaison", "enterprise")
