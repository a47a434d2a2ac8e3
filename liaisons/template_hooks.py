"""What the liaison work lends the enterprise's page (settings.TEMPLATES ``hooks``): its liaison (with the
street's assign and relieve forms and the history), its daily log today, the firm's own account (for the
street) and its problems. The registry does not import this app."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from markupsafe import Markup

from accounts.models import Role
from enterprises.models import LiaisonAssignment
from enterprises.services import accounts as firm_accounts

from . import selectors
from .models import DailyLog, Problem
from .rules import assignment as assignment_rules
from .rules import daily as daily_rules
from .rules import problem as problem_rules

PROBLEMS_SHOWN = 10


def enterprise_liaison(request, enterprise) -> Markup:
    """``{{ enterprise_liaison(request, enterprise) }}``."""
    user = request.user
    probe = Problem(enterprise=enterprise, jurisdiction_id=enterprise.jurisdiction_id,
                    department_id=enterprise.department_id)
    may_assign = assignment_rules.may(user, "assign", enterprise, on_page=True).allowed
    in_regime = daily_rules.in_regime(enterprise)
    may_problems = problem_rules.may(user, "view", probe).allowed
    context = {
        "enterprise": enterprise, "current": selectors.current_liaison(enterprise),
        "history": selectors.assignment_history(enterprise), "may_assign": may_assign,
        "liaisons": list(selectors.liaisons_active()) if may_assign else [],
        "may_open_liaison": user.is_superuser or user.role in assignment_rules.ASSIGNER_ROLES,
        "in_regime": in_regime, "may_daily": daily_rules.may(user, "view", enterprise).allowed,
        "logged_today": in_regime and DailyLog.objects.filter(enterprise=enterprise, day=timezone.localdate()).exists(),
        "may_problems": may_problems, "may_raise": problem_rules.may(user, "raise", probe).allowed,
        "problems": list(Problem.objects.filter(enterprise=enterprise).order_by("-created_at")[:PROBLEMS_SHOWN])
        if may_problems else [],
        "account_block": firm_accounts.may(user, "account_open", enterprise).allowed
        or firm_accounts.may(user, "account_link", enterprise).allowed,
        "account": firm_accounts.account_of(enterprise),
    }
    return Markup(render_to_string("liaisons/_enterprise.html", context, request=request))  # nosec B704: autoescaped template output


def person_liaison(request, person) -> Markup:
    """``{{ person_liaison(request, person) }}`` on the people pages: a liaison's firms (how many) and the
    way to their list and the handover."""
    if person.role != Role.LIAISON:
        return Markup()
    count = LiaisonAssignment.objects.filter(liaison=person, ended_at__isnull=True).count()
    return Markup(render_to_string("liaisons/_person.html", {"person": person, "count": count}, request=request))  # nosec B704: autoescaped template output
