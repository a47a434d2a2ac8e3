"""Cached scopes are forgotten whenever what they are derived from changes: an object-permission row
(user or group, any org object), a user (role, active, superuser), group membership, or an org object
(a patrol team moving to another street)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .scope import scopes_invalidate


def connect() -> None:
    from django.apps import apps

    user_model = get_user_model()
    watched = [user_model, apps.get_model("enterprises", "Jurisdiction"),
               apps.get_model("enterprises", "Department"), apps.get_model("inspections", "PatrolTeam"),
               apps.get_model("inspections", "LiaisonAssignment")]
    watched += [m for m in apps.get_models()
                if issubclass(m, (UserObjectPermissionBase, GroupObjectPermissionBase))]
    for model in watched:
        post_save.connect(scopes_invalidate, sender=model, dispatch_uid=f"scope-save-{model._meta.label}")
        post_delete.connect(scopes_invalidate, sender=model, dispatch_uid=f"scope-del-{model._meta.label}")
    m2m_changed.connect(scopes_invalidate, sender=user_model.groups.through, dispatch_uid="scope-groups")
