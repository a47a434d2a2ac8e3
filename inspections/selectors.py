"""Reads of patrol records, scoped to the user: a patrol member sees what its teams cover, a street its
street, a department reviewer its department, the task force everything (``scope_enterprise_q``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.scope import scope_for
from enterprises.models import scope_enterprise_q
from org.models import PatrolTeam

from .models import Inspection, Photo, RectificationOrder, StopWork
from .rules import inspection as inspection_rules


def scoped(user, qs: QuerySet) -> QuerySet:
    if not user.is_authenticated or (scope_for(user).role not in inspection_rules.READER_ROLES and not user.is_superuser):
        return qs.none()
    q = None if user.is_superuser else scope_enterprise_q(scope_for(user), prefix="enterprise__")
    return qs if q is None else qs.filter(q)


def inspections_visible(user) -> QuerySet[Inspection]:
    return scoped(user, Inspection.objects.all())


def inspection_get(user, pk: int) -> Inspection:
    inspection = (inspections_visible(user).select_related("enterprise", "enterprise__jurisdiction", "team",
                                                           "recorded_by", "checklist_version__checklist",
                                                           "order__finding")
                  .filter(pk=pk).first())
    if inspection is None:
        raise Http404("not visible")
    return inspection


def photo_get(user, pk: int) -> Photo:
    photo = Photo.objects.select_related("inspection__enterprise", "inspection__team", "taken_by", "finding").filter(
        pk=pk, inspection__in=inspections_visible(user)).first()
    if photo is None:
        raise Http404("not visible")
    return photo


def orders_visible(user) -> QuerySet[RectificationOrder]:
    return scoped(user, RectificationOrder.objects.all())


def order_get(user, pk: int) -> RectificationOrder:
    order = (orders_visible(user).select_related("enterprise", "enterprise__jurisdiction", "team", "finding",
                                                 "finding__inspection", "finding__item").filter(pk=pk).first())
    if order is None:
        raise Http404("not visible")
    return order


def stop_works_visible(user) -> QuerySet[StopWork]:
    return scoped(user, StopWork.objects.all())


def stop_work_get(user, pk: int) -> StopWork:
    stop = (stop_works_visible(user).select_related("enterprise", "enterprise__jurisdiction", "finding",
                                                    "finding__inspection", "started_by", "lifted_by")
            .filter(pk=pk).first())
    if stop is None:
        raise Http404("not visible")
    return stop


def my_teams(user) -> list[PatrolTeam]:
    return list(PatrolTeam.objects.filter(pk__in=sorted(scope_for(user).team_ids)).order_by("pk"))


def team_members(team: PatrolTeam) -> list[User]:
    return list(User.objects.filter(
        patrolteamuserobjectpermission__content_object=team,
        patrolteamuserobjectpermission__permission__codename="inspect_with_team", is_active=True,
    ).distinct().order_by("pk"))


def overdue_days(order: RectificationOrder) -> int:
    if order.status != RectificationOrder.Status.OPEN:
        return 0
    return max(0, (timezone.localdate() - order.due_on).days)
