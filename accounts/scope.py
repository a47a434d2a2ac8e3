"""What a user may see and where they act, derived once per request from django-guardian grants on
org objects (jurisdictions, departments, patrol teams) — never granted firm by firm."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from org.models import Department, Jurisdiction, PatrolTeam

from .roles import Role

JURISDICTION_PERMS = {
    Role.STREET_STAFF: "work_in_jurisdiction",
    Role.STREET_SECRETARY: "sign_as_secretary",
    Role.STREET_DIRECTOR: "sign_as_director",
}


@dataclass(frozen=True)
class Scope:
    role: str = ""
    district: bool = False  # task force, superuser, district patrol team
    jurisdiction_ids: frozenset[int] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)
    team_ids: frozenset[int] = field(default_factory=frozenset)
    liaison_user_id: int | None = None
    post_label: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            self.district or self.jurisdiction_ids or self.department_ids or self.liaison_user_id
        )

    def can_see_jurisdiction(self, jurisdiction_id: int) -> bool:
        return self.district or jurisdiction_id in self.jurisdiction_ids


def _granted(user, model, codename: str, *fields: str) -> list[dict]:
    """The org objects on which the user holds ``codename`` — directly or through a group — read in one
    query from django-guardian's direct foreign-key permission tables (cheaper than
    get_objects_for_user, which this replaces on every request)."""
    name = model._meta.model_name
    direct = Q(**{f"{name}userobjectpermission__user": user,
                  f"{name}userobjectpermission__permission__codename": codename})
    via_group = Q(**{f"{name}groupobjectpermission__group__user": user,
                     f"{name}groupobjectpermission__permission__codename": codename})
    return list(model.objects.filter(direct | via_group).distinct().order_by("pk").values("pk", *fields))


def compute_scope(user) -> Scope:
    if not user or not user.is_authenticated or not user.is_active:
        return Scope()
    role = user.role
    if user.is_superuser or role == Role.TASK_FORCE:
        return Scope(role=role or "superuser", district=True, post_label=_("区领导小组/工作专班"))
    if role in JURISDICTION_PERMS:
        rows = _granted(user, Jurisdiction, JURISDICTION_PERMS[role], "name")
        names = "、".join(r["name"] for r in rows)
        return Scope(role=role, jurisdiction_ids=frozenset(r["pk"] for r in rows),
                     post_label=f"{names}{Role(role).label}")
    if role == Role.DEPARTMENT_REVIEWER:
        rows = _granted(user, Department, "review_for_department", "name")
        names = "、".join(r["name"] for r in rows)
        return Scope(role=role, department_ids=frozenset(r["pk"] for r in rows),
                     post_label=f"{names}{Role(role).label}")
    if role == Role.INSPECTOR:
        teams = _granted(user, PatrolTeam, "inspect_with_team", "name", "jurisdiction_id")
        return Scope(
            role=role,
            district=any(t["jurisdiction_id"] is None for t in teams),
            jurisdiction_ids=frozenset(t["jurisdiction_id"] for t in teams if t["jurisdiction_id"]),
            team_ids=frozenset(t["pk"] for t in teams),
            post_label="、".join(t["name"] for t in teams) or Role(role).label,
        )
    if role == Role.LIAISON:
        return Scope(role=role, liaison_user_id=user.pk, post_label=str(Role(role).label))
    return Scope(role=role)


# Scopes are cached (shared cache) under a version that every change of a grant, a user, a group
# membership or an org object bumps (accounts.signals); the TTL is only a backstop.
SCOPE_CACHE_SECONDS = 300
VERSION_KEY = "scope-version"


def _cache_key(user_id: int) -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return f"scope:{connection.settings_dict['NAME']}:{version}:{user_id}"


def scopes_invalidate(**_kwargs) -> None:
    """Forget every cached scope (grants changed). Connected to the signals in accounts.signals."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def scope_for(user) -> Scope:
    """The user's scope: once per request on the user object, and across requests in the cache."""
    cached = getattr(user, "_zhifu_scope", None)
    if cached is not None:
        return cached
    if user is None or not getattr(user, "pk", None) or not user.is_authenticated:
        return compute_scope(user)
    key = _cache_key(user.pk)
    cached = cache.get(key)
    if cached is None:
        with translation.override(settings.LANGUAGE_CODE):  # the post label is a record: in Chinese
            cached = compute_scope(user)
        cache.set(key, cached, SCOPE_CACHE_SECONDS)
    with contextlib.suppress(AttributeError):
        user._zhifu_scope = cached
    return cached


def forget_scope(user) -> None:
    if hasattr(user, "_zhifu_scope"):
        del user._zhifu_scope
    scopes_invalidate()
