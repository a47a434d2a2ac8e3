"""Daily-log pages (日检查、日消毒): a day's completeness for the street (or the liaison's firms, the
department's, the district's) with the firms missing; an enterprise's log — today's entry (or another
past day's), its history and its gaps; the street's regime switch."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import roles_required
from accounts.models import Role
from accounts.scope import scope_for
from zhifu_reopen.errors import DomainError
from zhifu_reopen.params import int_param, text_param

from .. import selectors
from ..models import DailyLog
from ..rules import daily as rules
from ..services.daily import FIELDS, daily_log_save, regime_change
from .common import day_param, enterprise_get, refused


@roles_required(*rules.COMPLETENESS_ROLES, Role.ENTERPRISE)
@require_GET
def completeness_view(request):
    scope = scope_for(request.user)
    if scope.role == Role.ENTERPRISE and scope.enterprise_ids:
        return redirect("liaisons:daily_enterprise", min(scope.enterprise_ids))
    today = timezone.localdate()
    day = day_param(request.GET, default=today)
    page = int_param(request.GET, "page", default=1, min_value=1, max_value=10_000)
    data = selectors.completeness(request.user, min(day, today), page=page)
    return render(request, "liaisons/completeness.html", {**data, "today": today, "future": day > today})


def _log_context(request, enterprise, day, *, form=None) -> dict:
    log = DailyLog.objects.filter(enterprise=enterprise, day=day).first()
    values = form if form is not None else ({f: getattr(log, f) for f in FIELDS} if log else {})
    return {
        "enterprise": enterprise, "day": day, "today": timezone.localdate(), "log": log, "values": values,
        "logs": selectors.logs_of(enterprise), "gaps": selectors.gaps_of(enterprise),
        "may_log": rules.may(request.user, "log", enterprise).allowed,
        "in_regime": rules.in_regime(enterprise), "hour": f"{request_hour():02d}:00",
        "may_add": rules.may(request.user, "regime_add", enterprise, on_page=True).allowed,
        "may_remove": rules.may(request.user, "regime_remove", enterprise, on_page=True).allowed,
        "on_behalf": request.user.role != Role.ENTERPRISE,
    }


def request_hour() -> int:
    from django.conf import settings

    return settings.LIAISONS_DAILY_LOG_HOUR


@roles_required(*rules.DAILY_READER_ROLES)
@require_http_methods(["GET", "POST"])
def enterprise_log(request, pk: int):
    enterprise = enterprise_get(request.user, pk)
    if not rules.may(request.user, "view", enterprise):
        return render(request, "404.html", {"message": _("找不到该企业，或不在您的管辖范围内。")}, status=404)
    today = timezone.localdate()
    params = request.POST if request.method == "POST" else request.GET
    day = day_param(params, default=today)
    if request.method == "POST":
        data = {f: text_param(request.POST, f, max_length=600) for f in FIELDS}
        try:
            _log, created = daily_log_save(actor=request.user, enterprise=enterprise, day=day, data=data)
        except DomainError as exc:
            return refused(request, "liaisons/daily_log.html", _log_context(request, enterprise, min(day, today),
                                                                            form=data), exc)
        messages.success(request, _("已填报%(day)s的日检查日消毒。") % {"day": day.isoformat()} if created
                         else _("已修改%(day)s的日检查日消毒。") % {"day": day.isoformat()})
        return redirect(f"{reverse('liaisons:daily_enterprise', args=[enterprise.pk])}?day={day.isoformat()}")
    return render(request, "liaisons/daily_log.html", _log_context(request, enterprise, min(day, today)))


@roles_required(Role.STREET_STAFF, Role.TASK_FORCE)
@require_POST
def regime_view(request, pk: int):
    enterprise = enterprise_get(request.user, pk)
    add = text_param(request.POST, "change", max_length=10) == "add"
    try:
        regime_change(actor=request.user, enterprise=enterprise, add=add,
                      reason=text_param(request.POST, "reason", max_length=600))
    except DomainError as exc:
        return refused(request, "liaisons/daily_log.html", _log_context(request, enterprise, timezone.localdate()),
                       exc)
    messages.success(request, _("已纳入日检查日消毒范围。") if add else _("已移出日检查日消毒范围。"))
    return redirect("liaisons:daily_enterprise", enterprise.pk)
