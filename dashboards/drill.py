"""The lists behind the figures (drill-down): each a queryset of the user's scope with the dashboard's
filters (street, category, scale), shown as a page and exported to .xlsx with the same columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import Application
from enterprises.choices import Category, OperatingStatus
from enterprises.models import Enterprise
from liaisons.models import DailyLog, Problem, daily_regime_q
from placards.models import Placard

from .indicators import SURVEY_DAYS

NOT_CEASED = ~Q(operating_status=OperatingStatus.CEASED)
REOPENED = Q(operating_status=OperatingStatus.REOPENED)


@dataclass(frozen=True)
class DrillList:
    key: str
    title: object
    kind: str  # "enterprise" | "application" | "problem"
    filter: Callable[[dt.datetime], Q]


def _recent(now) -> Q:
    return Q(last_visited_on__gte=timezone.localdate(now) - dt.timedelta(days=SURVEY_DAYS - 1))


def _daily_missing(now) -> Q:
    logged = DailyLog.objects.filter(day=timezone.localdate(now)).values("enterprise_id")
    return daily_regime_q() & ~Q(pk__in=logged)


LISTS = {d.key: d for d in [
    DrillList("registered", _("登记企业"), "enterprise", lambda now: NOT_CEASED),
    DrillList("not_surveyed", _("近14天未走访企业"), "enterprise", lambda now: NOT_CEASED & ~_recent(now)),
    DrillList("applied", _("已申请企业"), "enterprise",
              lambda now: Q(pk__in=Application.objects.filter(submitted_at__isnull=False).values("enterprise_id"))),
    DrillList("approved", _("准予复工企业"), "enterprise",
              lambda now: Q(pk__in=Application.objects.filter(status="approved").values("enterprise_id"))),
    DrillList("reopened", _("已复工企业"), "enterprise", lambda now: REOPENED),
    DrillList("not_reopened", _("未复工企业"), "enterprise", lambda now: NOT_CEASED & ~REOPENED),
    DrillList("key_not_reopened", _("未复工的重点骨干企业"), "enterprise",
              lambda now: NOT_CEASED & ~REOPENED & Q(category=Category.KEY_BACKBONE)),
    DrillList("output_not_reopened", _("未复工的产值超1亿元企业"), "enterprise",
              lambda now: NOT_CEASED & ~REOPENED & Q(output_over_100m=True)),
    DrillList("placards", _("有有效公示牌的企业"), "enterprise",
              lambda now: Q(pk__in=Placard.objects.filter(status="valid").values("enterprise_id"))),
    DrillList("stopped", _("停工中企业"), "enterprise", lambda now: Q(stop_works__status="active")),
    DrillList("inspected", _("巡查过的企业"), "enterprise", lambda now: Q(inspections__isnull=False)),
    DrillList("orders", _("有整改中整改通知的企业"), "enterprise", lambda now: Q(rectification_orders__status="open")),
    DrillList("daily_missing", _("今日未填报日检查日消毒的企业"), "enterprise", _daily_missing),
    DrillList("in_review", _("办理中的申请"), "application", lambda now: Q(status__in=("submitted", "in_review"))),
    DrillList("overdue", _("超时未办的申请"), "application",
              lambda now: Q(status__in=("submitted", "in_review"), step_deadline__lt=now)),
    DrillList("problems", _("未解决的企业诉求"), "problem", lambda now: ~Q(status=Problem.Status.RESOLVED)),
]}


def rows(drill: DrillList, base: QuerySet, *, street: int | None, category: str, scale: str, now) -> QuerySet:
    """``base`` (the user's scope of the list's model) narrowed to the list and the filters, in order."""
    prefix = "" if drill.kind == "enterprise" else "enterprise__"
    qs = base.filter(drill.filter(now))
    if street:
        qs = qs.filter(**{f"{prefix}jurisdiction_id": street})
    if category:
        qs = qs.filter(**{f"{prefix}category": category})
    if scale:
        qs = qs.filter(**{f"{prefix}scale": scale})
    if drill.kind == "enterprise":
        return qs.distinct().select_related("jurisdiction", "department").order_by("jurisdiction_id", "name", "id")
    return qs.select_related("enterprise", "enterprise__jurisdiction").order_by("-id")


def columns(kind: str) -> list:
    if kind == "enterprise":
        return [_("企业名称"), _("统一社会信用代码"), _("街道"), _("主管部门"), _("类别"), _("规模"), _("经营状态"),
                _("员工人数")]
    if kind == "application":
        return [_("办件编号"), _("企业名称"), _("街道"), _("状态"), _("当前环节"), _("环节办理时限")]
    return [_("企业名称"), _("街道"), _("诉求类别"), _("状态"), _("责任单位"), _("办理期限")]


def cells(kind: str, obj) -> list:
    if kind == "enterprise":
        return [obj.name, obj.credit_code or "", obj.jurisdiction.name, obj.department.name if obj.department else "",
                obj.get_category_display(), obj.get_scale_display(), obj.get_operating_status_display(),
                obj.employee_count]
    if kind == "application":
        return [obj.number or "", obj.enterprise.name, obj.enterprise.jurisdiction.name, obj.get_status_display(),
                obj.get_current_step_display(), obj.step_deadline or ""]
    return [obj.enterprise.name, obj.enterprise.jurisdiction.name, obj.get_category_display(),
            obj.get_status_display(), obj.get_owner_display(), obj.due_at]


def model_for(kind: str):
    return {"enterprise": Enterprise, "application": Application, "problem": Problem}[kind]
