"""Read-only admin views: status changes go through the services (with reason and audit), never here."""

from django.contrib import admin

from zhifu_reopen.admin_base import ReadOnlyAdmin

from .models import Placard, PlacardScan, PlacardScanDay


@admin.register(Placard)
class PlacardAdmin(ReadOnlyAdmin):
    list_display = ("number", "enterprise", "status", "approved_on", "rendered_at", "printed_at")
    list_filter = ("status", "year", "enterprise__jurisdiction")
    search_fields = ("number", "code", "enterprise__name")
    list_select_related = ("enterprise",)
    exclude = ("token", "qr_url", "qr_matrix")


@admin.register(PlacardScan)
class PlacardScanAdmin(ReadOnlyAdmin):
    list_display = ("placard", "scanned_at", "network", "user_agent")
    list_select_related = ("placard",)




@admin.register(PlacardScanDay)
class PlacardScanDayAdmin(ReadOnlyAdmin):
    list_display = ("placard", "day", "scans")
    list_select_related = ("placard",)
