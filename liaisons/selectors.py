"""What the liaison pages read, scoped to the user: problems, daily-log completeness, assignments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from accounts.scope import Scope, scope_for
from enterprises.models import Enterprise, LiaisonAssignment, scope_enterprise_q
from org.models import Jurisdiction

from .models import DailyLog, DailyLogGap, Problem, daily_regime_q

MISSING_PAGE = 25


def problem_scope_q(scope: Scope) -> Q | None:
    """The problems ``scope`` sees (None: all): its streets', its departments', its assigned firms', its own."""
    if scope.district:
        return None
    q = Q(pk__in=[])
    if scope.jurisdiction_ids:
        q |= Q(jurisdiction_id__in=sorted(scope.jurisdiction_ids))
    if scope.department_ids:
        q |= Q(department_id__in=sorted(scope.department_ids))
    if scope.liaison_user_id:
        q |= Q(enterprise_id__in=LiaisonAssignment.objects.filter(
            liaison_id=scope.liaison_user_id, ended_at__isnull=True).values("enterprise_id"))
    if scope.enterprise_ids:
        q |= Q(enterprise_id__in=sorted(scope.enterprise_ids))
    return q


def problems_visible(user) -> QuerySet[Problem]:
    q = problem_scope_q(scope_for(user))
    qs = Problem.objects.all()
    return qs if q is None else qs.filter(q)


@dataclass(frozen=True)
class ProblemFilter:
    status: str = ""
    owner: str = ""
    category: str = ""
    overdue: bool = False
    jurisdiction_id: int | None = None
    enterprise_id: int | None = None


def problems_filtered(user, f: ProblemFilter) -> QuerySet[Problem]:
    qs = problems_visible(user).select_related("enterprise", "jurisdiction", "department")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.owner:
        qs = qs.filter(owner=f.owner)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.overdue:
        qs = qs.filter(status__in=Problem.OPEN_STATES, due_at__lt=timezone.now())
    if f.jurisdiction_id:
        qs = qs.filter(jurisdiction_id=f.jurisdiction_id)
    if f.enterprise_id:
        qs = qs.filter(enterprise_id=f.enterprise_id)
    return qs.order_by("-created_at", "-id")


def problem_counts(user) -> dict[str, int]:
    qs = problems_visible(user)
    counts = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    counts["overdue"] = qs.filter(status__in=Problem.OPEN_STATES, due_at__lt=timezone.now()).count()
    return counts


# --- the daily log --------------------------------------------------------------------------------------

def regime_visible(user) -> QuerySet[Enterprise]:
    """The enterprises of the daily-log regime the user sees."""
    qs = Enterprise.objects.filter(daily_regime_q())
    q = scope_enterprise_q(scope_for(user))
    return qs if q is None else qs.filter(q)


@dataclass
class StreetDay:
    jurisdiction: Jurisdiction
    required: int
    logged: int

    @property
    def missing(self) -> int:
        return self.required - self.logged

    @property
    def share(self) -> float:
        return 100.0 * self.logged / self.required if self.required else 100.0


def completeness(user, day: dt.date, *, page: int = 1) -> dict:
    """A day's completeness for the user's firms: logged / required by street, and the firms missing (one
    page of them, by street and name). Four queries whatever the number of logs: the regime firms in scope
    (a partial index, in name order), which of them logged that day, their streets, the page's firms."""
    regime = list(regime_visible(user).order_by("jurisdiction_id", "name", "id").values_list("pk", "jurisdiction_id"))
    ids = [pk for pk, _j in regime]
    logged_ids = set(DailyLog.objects.filter(day=day, enterprise_id__in=ids).values_list("enterprise_id", flat=True)
                     ) if ids else set()
    required: dict[int, int] = {}
    logged: dict[int, int] = {}
    missing_ids = []
    for pk, jurisdiction_id in regime:
        required[jurisdiction_id] = required.get(jurisdiction_id, 0) + 1
        if pk in logged_ids:
            logged[jurisdiction_id] = logged.get(jurisdiction_id, 0) + 1
        else:
            missing_ids.append(pk)
    streets = {j.pk: j for j in Jurisdiction.objects.filter(pk__in=list(required))}
    rows = sorted((StreetDay(streets[pk], n, logged.get(pk, 0)) for pk, n in required.items() if pk in streets),
                  key=lambda r: r.jurisdiction.code)
    start = (page - 1) * MISSING_PAGE
    shown = missing_ids[start:start + MISSING_PAGE]
    by_pk = {e.pk: e for e in Enterprise.objects.filter(pk__in=shown)} if shown else {}
    for enterprise in by_pk.values():  # the streets read above, not one query each
        if enterprise.jurisdiction_id in streets:
            enterprise.jurisdiction = streets[enterprise.jurisdiction_id]
    total_required, total_logged = len(regime), len(logged_ids)
    return {"day": day, "streets": rows, "required": total_required, "logged": total_logged,
            "missing_count": len(missing_ids), "missing": [by_pk[pk] for pk in shown if pk in by_pk],
            "has_next": len(missing_ids) > start + MISSING_PAGE, "page": page,
            "share": 100.0 * total_logged / total_required if total_required else 100.0}


def logs_of(enterprise: Enterprise, *, limit: int = 30) -> list[DailyLog]:
    return list(DailyLog.objects.filter(enterprise=enterprise).select_related("filled_by").order_by("-day")[:limit])


def gaps_of(enterprise: Enterprise, *, limit: int = 60) -> list[DailyLogGap]:
    return list(DailyLogGap.objects.filter(enterprise=enterprise).order_by("-day")[:limit])


# --- assignments -----------------------------------------------------------------------------------------

def liaisons_active() -> QuerySet[User]:
    return User.objects.filter(role=Role.LIAISON, is_active=True).order_by("full_name", "username")


def current_liaison(enterprise: Enterprise) -> LiaisonAssignment | None:
    return (LiaisonAssignment.objects.filter(enterprise=enterprise, ended_at__isnull=True)
            .select_related("liaison").first())


def assignment_history(enterprise: Enterprise, *, limit: int = 20) -> list[LiaisonAssignment]:
    return list(LiaisonAssignment.objects.filter(enterprise=enterprise)
                .select_related("liaison", "assigned_by", "ended_by").order_by("-assigned_at", "-id")[:limit])


def enterprises_of_liaison(user, liaison: User, *, limit: int = 500) -> list[Enterprise]:
    """The firms ``liaison`` serves now that ``user`` sees."""
    qs = Enterprise.objects.filter(liaison_assignments__liaison=liaison, liaison_assignments__ended_at__isnull=True)
    q = scope_enterprise_q(scope_for(user))
    if q is not None:
        qs = qs.filter(q)
    return list(qs.select_related("jurisdiction").order_by("jurisdiction_id", "name", "id")[:limit])
