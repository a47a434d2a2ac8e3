from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Notification, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are shown here; who holds which post, whether the account is active and new accounts are
    the people pages' (accounts.services.people: rules and audit), so those fields are read-only."""

    readonly_fields = ("role", "is_active", "groups", "user_permissions", "last_login", "date_joined")
    list_display = ("username", "full_name", "role", "email", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email", "mobile")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("岗位"), {"fields": ("full_name", "role", "mobile")}),
    )

    def has_add_permission(self, request):
        return False  # accounts are opened on the people pages


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "message", "read_at")
    list_filter = ("read_at",)
    search_fields = ("message", "user__username")
    raw_id_fields = ("user",)
