"""Cached scopes are forgotten whenever what they are derived from changes — only the scopes that change:

* a user's own object-permission row (a post appointed or ended), the user (role, active, superuser) or
  their group membership: that user's scope only. A login saves ``last_login`` alone: nothing is dropped;
* a group's object-permission row: the scopes of that group's members (every scope when one is deleted);
* an org object (a street renamed, a patrol team moved to another street): every scope (the district's
  version), since any post may name or lie in it.
"""

import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from org.models import Department, Jurisdiction, PatrolTeam

from .scope import scopes_invalidate, user_scopes_invalidate
from .services.sessions import SESSION_SEEN_KEY, SESSION_STARTED_KEY, session_close, session_open


def user_changed(sender, instance, update_fields=None, **_kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login: the scope does not depend on it
    user_scopes_invalidate([instance.pk])


def user_grant_changed(sender, instance, **_kwargs) -> None:
    user_scopes_invalidate([instance.user_id])


def group_grant_saved(sender, instance, **_kwargs) -> None:
    user_scopes_invalidate(get_user_model().objects.filter(groups=instance.group_id).values_list("pk", flat=True))


def group_grant_deleted(sender, instance, **_kwargs) -> None:
    # Deleting a group deletes its members' rows first and sends nothing for them: whoever was in it
    # cannot be read any more, so every scope is dropped (group grants are rare).
    scopes_invalidate()


def membership_changed(sender, instance, action, reverse, pk_set, **_kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:  # user.groups.add(...): the user
        user_scopes_invalidate([instance.pk])
    elif pk_set is not None:  # group.user_set.add(users)
        user_scopes_invalidate(pk_set)
    else:  # group.user_set.clear(): who was in it is gone already
        scopes_invalidate()


def session_opened(sender, request, user, **_kwargs) -> None:
    """A login (issue 13): the session's row (我的登录会话) and its start for the session limits."""
    if getattr(request, "session", None) is None:
        return
    now = int(time.time())
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now
    session_open(request, user)


def session_closed(sender, request, user, **_kwargs) -> None:
    session_close(request)


def connect() -> None:
    user_logged_in.connect(session_opened, dispatch_uid="accounts-session-open")
    user_logged_out.connect(session_closed, dispatch_uid="accounts-session-close")
    user_model = get_user_model()
    post_save.connect(user_changed, sender=user_model, dispatch_uid="scope-save-user")
    post_delete.connect(user_changed, sender=user_model, dispatch_uid="scope-del-user")
    m2m_changed.connect(membership_changed, sender=user_model.groups.through, dispatch_uid="scope-groups")
    for model in apps.get_models():
        if issubclass(model, UserObjectPermissionBase):
            saved = deleted = user_grant_changed
        elif issubclass(model, GroupObjectPermissionBase):
            saved, deleted = group_grant_saved, group_grant_deleted
        else:
            continue
        post_save.connect(saved, sender=model, dispatch_uid=f"scope-save-{model._meta.label}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"scope-del-{model._meta.label}")
    for model in (Jurisdiction, Department, PatrolTeam):
        label = model._meta.label
        post_save.connect(scopes_invalidate, sender=model, dispatch_uid=f"scope-save-{label}")
        post_delete.connect(scopes_invalidate, sender=model, dispatch_uid=f"scope-del-{label}")
