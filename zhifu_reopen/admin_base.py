from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

GRANTS_READ_ONLY = _("岗位只能在“人员与岗位”页面任免，这里只供查看。")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Admin pages that only show: business records change through their services (rules + audit)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyGrantsAdmin(GuardedModelAdmin):
    """An org object (street, department, patrol team) stays editable here; who holds a post on it —
    django-guardian's object-permission pages — is only shown: posts change on the people pages
    (accounts.services.people), which check the rules and write the audit trail."""

    obj_perms_manage_template = "admin/readonly_obj_perms.html"

    def obj_perms_manage_view(self, request, object_pk):
        if request.method != "GET":
            raise PermissionDenied(GRANTS_READ_ONLY)
        return super().obj_perms_manage_view(request, object_pk)

    def obj_perms_manage_user_view(self, request, object_pk, user_id):
        if request.method != "GET":
            raise PermissionDenied(GRANTS_READ_ONLY)
        return redirect("people:detail", user_id)

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        if request.method != "GET":
            raise PermissionDenied(GRANTS_READ_ONLY)
        info = self.model._meta.app_label, self.model._meta.model_name
        return redirect(f"admin:{info[0]}_{info[1]}_permissions", object_pk)
