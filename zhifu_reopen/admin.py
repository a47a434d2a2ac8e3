from django.contrib import admin

from .admin_base import ReadOnlyAdmin
from .models import AuditEntry, Job, YearlyCounter


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "post", "action", "target_repr", "address", "request_id")
    list_filter = ("action",)
    search_fields = ("target_repr", "actor__username", "reason", "=request_id")
    show_full_result_count = False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "created_by", "created_at", "progress_done", "progress_total")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Job._meta.fields]


@admin.register(YearlyCounter)
class YearlyCounterAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "year", "last")
    list_filter = ("sequence",)
