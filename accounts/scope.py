"""What a user may see and where they act, derived once per request from django-guardian grants on
org objects (jurisdictions, departments, patrol teams) — never granted firm by firm."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import Role

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

    def enterprise_q(self, prefix: str = "") -> Q | None:
        """A Q restricting Enterprise rows (or rows with an enterprise FK under ``prefix``)."""
        if self.district:
            return None
        q = Q(pk__in=[])
        if self.jurisdiction_ids:
            q |= Q(**{f"{prefix}jurisdiction_id__in": sorted(self.jurisdiction_ids)})
        if self.department_ids:
            q |= Q(**{f"{prefix}department_id__in": sorted(self.department_ids)})
        if self.liaison_user_id:
            from inspections.models import LiaisonAssignment

            assigned = LiaisonAssignment.objects.filter(liaison_id=self.liaison_user_id)
            q |= Q(**{f"{prefix}id__in": assigned.values("enterprise_id")})
        return q

    def filter_enterprises(self, qs: QuerySet) -> QuerySet:
        q = self.enterprise_q()
        return qs if q is None else qs.filter(q)

    def can_see_jurisdiction(self, jurisdiction_id: int) -> bool:
        return self.district or jurisdiction_id in self.jurisdiction_ids


def _granted_ids(user, model, codename: str) -> frozenset[int]:
    from guardian.shortcuts import get_objects_for_user

    perm = f"{model._meta.app_label}.{codename}"
    return frozenset(
        get_objects_for_user(user, perm, klass=model, accept_global_perms=False).values_list("pk", flat=True)
    )


def compute_scope(user) -> Scope:
    from enterprises.models import Department, Jurisdiction
    from inspections.models import PatrolTeam

    if not user or not user.is_authenticated or not user.is_active:
        return Scope()
    role = user.role
    if user.is_superuser or role == Role.TASK_FORCE:
        return Scope(role=role or "superuser", district=True, post_label=_("区领导小组/工作专班"))
    if role in JURISDICTION_PERMS:
        ids = _granted_ids(user, Jurisdiction, JURISDICTION_PERMS[role])
        names = "、".join(Jurisdiction.objects.filter(pk__in=ids).values_list("name", flat=True))
        return Scope(role=role, jurisdiction_ids=ids, post_label=f"{names}{Role(role).label}")
    if role == Role.DEPARTMENT_REVIEWER:
        ids = _granted_ids(user, Department, "review_for_department")
        names = "、".join(Department.objects.filter(pk__in=ids).values_list("name", flat=True))
        return Scope(role=role, department_ids=ids, post_label=f"{names}{Role(role).label}")
    if role == Role.INSPECTOR:
        team_ids = _granted_ids(user, PatrolTeam, "inspect_with_team")
        teams = list(PatrolTeam.objects.filter(pk__in=team_ids))
        district = any(t.jurisdiction_id is None for t in teams)
        jurisdictions = frozenset(t.jurisdiction_id for t in teams if t.jurisdiction_id)
        return Scope(
            role=role, district=district, jurisdiction_ids=jurisdictions, team_ids=team_ids,
            post_label="、".join(t.name for t in teams) or Role(role).label,
        )
    if role == Role.LIAISON:
        return Scope(role=role, liaison_user_id=user.pk, post_label=str(Role(role).label))
    return Scope(role=role)


def scope_for(user) -> Scope:
    """The user's scope, computed once and cached on the user object (one per request)."""
    cached = getattr(user, "_zhifu_scope", None)
    if cached is None:
        cached = compute_scope(user)
        if user is not None:
            with contextlib.suppress(AttributeError):
                user._zhifu_scope = cached
    return cached


def forget_scope(user) -> None:
    if hasattr(user, "_zhifu_scope"):
        del user._zhifu_scope
