"""Cached scopes are forgotten whenever what they are derived from changes: an object-permission row
(user or group, any org object), a user (role, active, superuser), group membership, or an org object
(a patrol team moving to another street). A liaison's scope holds only its user id: the firms it is
stationed in are read live (``enterprises.models.scope_enterprise_q``), so assignments need no signal."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from org.models import Department, Jurisdiction, PatrolTeam

from .scope import scopes_invalidate


def connect() -> None:
    user_model = get_user_model()
    watched = [user_model, Jurisdiction, Department, PatrolTeam]
    watched += [m for m in apps.get_models()
                if issubclass(m, (UserObjectPermissionBase, GroupObjectPermissionBase))]
    for model in watched:
        post_save.connect(scopes_invalidate, sender=model, dispatch_uid=f"scope-save-{model._meta.label}")
        post_delete.connect(scopes_invalidate, sender=model, dispatch_uid=f"scope-del-{model._meta.label}")
    m2m_changed.connect(scopes_invalidate, sender=user_model.groups.through, dispatch_uid="scope-groups")
