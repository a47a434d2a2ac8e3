from django.contrib import admin

from .models import AuditEntry, Job


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "post", "action", "target_repr")
    list_filter = ("action",)
    search_fields = ("target_repr", "actor__username", "reason")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "created_by", "created_at", "progress_done", "progress_total")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Job._meta.fields]
