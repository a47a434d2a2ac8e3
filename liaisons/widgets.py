"""Home-page blocks of the liaison work: the firm's own page (its status, application, placard, today's log,
its problems) and, for a liaison or a street, the problems waiting and today's missing logs."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification, Role
from accounts.scope import scope_for
from enterprises.models import Enterprise

from . import selectors
from .models import DailyLog, Problem
from .rules import daily as daily_rules

ALERT_CODES = ("problem.raised", "problem.escalated", "problem.overdue", "problem.resolved", "problem.follow_up",
               "daily_log.missing")


def alerts_of(user, limit: int = 10) -> list[Notification]:
    """The user's unread alerts of the liaison work, newest first."""
    return list(Notification.objects.filter(user=user, read_at__isnull=True, code__in=ALERT_CODES)[:limit])


def firm_widget(request):
    scope = scope_for(request.user)
    if scope.role != Role.ENTERPRISE or not scope.enterprise_ids:
        return None
    enterprise = Enterprise.objects.select_related("jurisdiction").get(pk=min(scope.enterprise_ids))
    application = enterprise.applications.order_by("-created_at", "-id").first()
    placard = enterprise.placards.order_by("-issued_at", "-id").first()
    in_regime = daily_rules.in_regime(enterprise)
    return {"title": _("我的企业"), "template": "liaisons/_firm_widget.html", "context": {
        "enterprise": enterprise, "application": application, "placard": placard, "in_regime": in_regime,
        "logged_today": DailyLog.objects.filter(enterprise=enterprise, day=timezone.localdate()).exists(),
        "problems": list(Problem.objects.filter(enterprise=enterprise).order_by("-created_at")[:10]),
        "alerts": alerts_of(request.user),
    }}


def liaison_work_widget(request):
    scope = scope_for(request.user)
    if scope.role not in (Role.LIAISON, Role.STREET_STAFF):
        return None
    today = timezone.localdate()
    problems = list(selectors.problems_visible(request.user).filter(
        status__in=(Problem.Status.OPEN, Problem.Status.IN_PROGRESS), owner=Problem.Owner.STREET)
        .select_related("enterprise").order_by("due_at", "id")[:10])
    data = selectors.completeness(request.user, today)
    return {"title": _("驻企联络"), "template": "liaisons/_work_widget.html", "context": {
        "problems": problems, "daily": data, "now": timezone.now(), "alerts": alerts_of(request.user)}}
