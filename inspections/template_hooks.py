"""What patrols lend the pages of the layers below (settings.TEMPLATES ``hooks``): the "start inspection"
button on the public verify page and the enterprise page, and the enterprise page's enforcement history.
Neither placards nor enterprises import inspections."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from markupsafe import Markup

from accounts.models import Role
from accounts.scope import scope_for

from .models import Finding, Inspection, RectificationOrder, StopWork
from .rules import inspection as rules
from .rules.common import teams_covering
from .selectors import overdue_days

HISTORY_LIMIT = 20


def inspection_start_button(request, enterprise_id: int, jurisdiction_id: int | None = None) -> Markup:
    """``{{ inspection_start_button(request, enterprise.pk, enterprise.jurisdiction_id) }}``: for a signed-in
    patrol member one of whose teams covers the enterprise, a big button starting an inspection of it
    (prefilled with the enterprise and the team); nothing for anyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "role", "") != Role.INSPECTOR:
        return Markup()
    if jurisdiction_id is None:
        from enterprises.models import Enterprise

        jurisdiction_id = Enterprise.objects.filter(pk=enterprise_id).values_list("jurisdiction_id", flat=True).first()
    teams = teams_covering(user, scope_for(user), jurisdiction_id)
    if not teams:
        return Markup()
    base = reverse("inspections:new")
    return Markup(render_to_string("inspections/_start_button.html", {  # nosec B704: autoescaped template output
        "start_url": f"{base}?enterprise={enterprise_id}&team={teams[0].pk}",
        "unauthorised_url": f"{reverse('inspections:unauthorised_new')}?enterprise={enterprise_id}",
        "team": teams[0],
    }, request=request))


def enterprise_enforcement(request, enterprise) -> Markup:
    """``{{ enterprise_enforcement(request, enterprise) }}``: 巡查与执法 — inspections, findings, orders and
    stop-works of the enterprise, newest first, to those who may read patrol records of it."""
    probe = Inspection(enterprise=enterprise)
    if not rules.may(request.user, "view", probe).allowed:
        return Markup()
    inspections = list(Inspection.objects.filter(enterprise=enterprise).select_related("team")
                       .order_by("-started_at", "-id")[:HISTORY_LIMIT])
    findings = list(Finding.objects.filter(enterprise=enterprise).select_related("order", "stop_work")
                    .order_by("-created_at", "-id")[:HISTORY_LIMIT])
    orders = list(RectificationOrder.objects.filter(enterprise=enterprise).select_related("finding")
                  .order_by("-created_at", "-id")[:HISTORY_LIMIT])
    for order in orders:
        order.overdue = overdue_days(order)
    stops = list(StopWork.objects.filter(enterprise=enterprise).select_related("started_by", "lifted_by")
                 .order_by("-started_at", "-id")[:HISTORY_LIMIT])
    return Markup(render_to_string("inspections/_enforcement.html", {  # nosec B704: autoescaped template output
        "enterprise": enterprise, "inspections": inspections, "findings": findings, "orders": orders,
        "stops": stops,
    }, request=request))
