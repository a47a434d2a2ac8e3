from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Notification, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "email", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email", "mobile")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("岗位"), {"fields": ("full_name", "role", "mobile")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("岗位"), {"fields": ("full_name", "role", "mobile", "email")}),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "message", "read_at")
    list_filter = ("read_at",)
    search_fields = ("message", "user__username")
    raw_id_fields = ("user",)
