"""What follows a finding: the orders and stop-works list, the re-inspection of an order, a stop-work's page
and its lifting, and the on-the-spot record of an unauthorised opening."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import roles_required
from accounts.scope import scope_for
from enterprises.selectors import enterprise_get
from org.models import Jurisdiction
from zhifu_reopen.errors import DomainError
from zhifu_reopen.params import id_param

from ..models import RectificationOrder, StopWork
from ..rules import inspection as inspection_rules
from ..rules import order as order_rules
from ..rules import stop_work as stop_rules
from ..rules.common import teams_covering
from ..selectors import order_get, orders_visible, overdue_days, stop_work_get, stop_works_visible
from ..services.orders import order_reinspect
from ..services.stop_work import stop_work_lift
from ..services.unauthorised import unauthorised_record
from .common import day, field_context, location_of, moment, refused, team_for

OS = RectificationOrder.Status
LIST_LIMIT = 100
FILTERS = {"open": Q(status=OS.OPEN), "overdue": Q(status=OS.OPEN), "closed": Q(status=OS.CLOSED),
           "escalated": Q(status=OS.ESCALATED)}


@roles_required(*inspection_rules.READER_ROLES)
def orders_view(request):
    """整改与停工: the orders of the user's scope (overdue first, flagged), and the active stop-works."""
    show = request.GET.get("show", "open")
    if show not in FILTERS:
        show = "open"
    orders = orders_visible(request.user).filter(FILTERS[show]).select_related(
        "enterprise", "enterprise__jurisdiction", "team", "finding")
    if show == "overdue":
        orders = orders.filter(due_on__lt=timezone.localdate())
    orders = list(orders.order_by("due_on", "id")[:LIST_LIMIT] if show in ("open", "overdue")
                  else orders.order_by("-closed_at", "-id")[:LIST_LIMIT])
    for order in orders:
        order.overdue = overdue_days(order)
    stops = list(stop_works_visible(request.user).filter(status=StopWork.Status.ACTIVE)
                 .select_related("enterprise", "enterprise__jurisdiction", "finding").order_by("-started_at")[:LIST_LIMIT])
    counts = {key: orders_visible(request.user).filter(q).count() for key, q in FILTERS.items() if key != "overdue"}
    counts["overdue"] = orders_visible(request.user).filter(status=OS.OPEN, due_on__lt=timezone.localdate()).count()
    return render(request, "inspections/orders.html", {"orders": orders, "stops": stops, "show": show,
                                                        "counts": counts, "limit": LIST_LIMIT})


def _siblings(order):
    return list(RectificationOrder.objects.filter(finding__inspection_id=order.finding.inspection_id, status=OS.OPEN)
                .exclude(pk=order.pk).select_related("finding"))


@roles_required(*order_rules.TABLE.roles_for("reinspect_pass"))
@require_http_methods(["GET", "POST"])
def reinspect_view(request, pk: int):
    order = order_get(request.user, pk)
    team, teams = team_for(request, order.enterprise.jurisdiction_id, request.POST.get("team") or str(order.team_id))
    finding = order.finding
    context = {**field_context(request, team, teams), "order": order, "finding": finding,
               "photos": list(finding.photos.all()), "siblings": _siblings(order),
               "overdue": overdue_days(order), "open": order.status == OS.OPEN}
    verdict = order_rules.may(request.user, "reinspect_pass", order, team=team)
    if request.method == "GET":
        if not verdict.allowed and order.status == OS.OPEN:
            raise PermissionDenied(verdict.reason)
        return render(request, "inspections/reinspect.html", context)
    try:
        order_reinspect(
            actor=request.user, order=order, team=team, outcome=request.POST.get("outcome", ""),
            started_at=moment(request.POST.get("started_at")), ended_at=moment(request.POST.get("ended_at")),
            member_ids=[m for m in request.POST.getlist("members") if m.isdigit()],
            note=request.POST.get("note", ""), photos=request.FILES.getlist("photos"),
            extension_reason=request.POST.get("extension_reason", ""), new_due_on=day(request.POST.get("new_due_on")),
            location=location_of(request.POST),
        )
    except DomainError as exc:
        return refused(request, "inspections/reinspect.html", context, exc)
    order.refresh_from_db()
    messages.success(request, {OS.CLOSED: _("复查合格，整改通知已办结。"), OS.ESCALATED: _("复查不合格，已责令停工。")}
                     .get(order.status, _("已延期整改。")))
    return redirect("inspections:orders")


@roles_required(*inspection_rules.READER_ROLES)
@require_http_methods(["GET", "POST"])
def stop_work_view(request, pk: int):
    stop = stop_work_get(request.user, pk)
    teams = teams_covering(request.user, scope_for(request.user), stop.enterprise.jurisdiction_id)
    team = next((t for t in teams if str(t.pk) == request.POST.get("team", "")), teams[0] if teams else None)
    context = {"stop": stop, "may_lift": stop_rules.may(request.user, "lift", stop, team=team).allowed,
               **(field_context(request, team, teams) if team else {"team": None, "teams": []})}
    if request.method == "GET":
        return render(request, "inspections/stop_work.html", context)
    try:
        stop_work_lift(actor=request.user, stop=stop, reason=request.POST.get("reason", ""), team=team,
                       started_at=moment(request.POST.get("started_at")), ended_at=moment(request.POST.get("ended_at")),
                       member_ids=[m for m in request.POST.getlist("members") if m.isdigit()],
                       photos=request.FILES.getlist("photos"), location=location_of(request.POST))
    except DomainError as exc:
        return refused(request, "inspections/stop_work.html", context, exc)
    messages.success(request, _("已解除停工，企业恢复经营状态，公示牌恢复有效。"))
    return redirect("inspections:stop_work", stop.pk)


@roles_required(*inspection_rules.RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def unauthorised_view(request):
    """私开偷开现场登记: a registered enterprise (``?enterprise=``) or a new venue."""
    raw = request.GET.get("enterprise") or request.POST.get("enterprise") or ""
    # id_param, not int(raw) after raw.isdigit(): "²" passes isdigit() and int() then raised (a 500).
    pk = id_param({"enterprise": raw}, "enterprise")
    enterprise = enterprise_get(request.user, pk) if pk else None
    if raw and enterprise is None:
        raise Http404("no enterprise")
    scope = scope_for(request.user)
    streets = list(scope.filter_jurisdictions(Jurisdiction.objects.order_by("code")))
    if request.user.is_superuser:
        streets = list(Jurisdiction.objects.order_by("code"))
    street = (enterprise.jurisdiction if enterprise else
              next((s for s in streets if str(s.pk) == request.POST.get("jurisdiction", "")),
                   streets[0] if len(streets) == 1 else None))
    team, teams = team_for(request, street.pk if street else next(iter(scope.jurisdiction_ids), None),
                           request.POST.get("team", ""))
    context = {**field_context(request, team, teams), "enterprise": enterprise, "streets": streets,
               "street": street}
    if request.method == "GET":
        return render(request, "inspections/unauthorised.html", context)
    post = request.POST
    try:
        inspection = unauthorised_record(
            actor=request.user, team=team, enterprise=enterprise, jurisdiction=street,
            name=post.get("name", ""), address=post.get("address", ""), business=post.get("business", ""),
            description=post.get("description", ""), photos=request.FILES.getlist("photos"),
            started_at=moment(post.get("started_at")), ended_at=moment(post.get("ended_at")),
            member_ids=[m for m in post.getlist("members") if m.isdigit()], notes=post.get("notes", ""),
            location=location_of(post),
        )
    except DomainError as exc:
        return refused(request, "inspections/unauthorised.html", context, exc)
    messages.success(request, _("已登记私开偷开，并通知所在街道处置。"))
    return redirect("inspections:detail", inspection.pk)


