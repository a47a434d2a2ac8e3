"""The due list (待巡查, the inspector's home) and the patrol teams' pages."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import roles_required
from accounts.models import Role
from accounts.scope import scope_for
from org.models import PatrolTeam

from ..models import DueLine, Inspection, RectificationOrder
from ..rules import inspection as inspection_rules
from ..selectors import my_teams, team_members
from ..services.due import due_built_at, due_list_rebuild

PAGE_SIZE = 25
TEAM_READERS = (*inspection_rules.READER_ROLES, Role.DISTRICT_ADMIN)


def _cursor(line) -> str:
    return base64.urlsafe_b64encode(f"{line.risk}:{line.pk}".encode()).decode()


def _after(token: str):
    try:
        risk, pk = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        return int(risk), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def due_page(team: PatrolTeam, *, after: str = "", size: int = PAGE_SIZE) -> tuple[list[DueLine], str]:
    """One page of the team's due list, highest risk first: one query (keyset on risk, id)."""
    qs = DueLine.objects.filter(team=team).select_related("enterprise", "enterprise__jurisdiction")
    position = _after(after) if after else None
    if position is not None:
        risk, pk = position
        qs = qs.filter(Q(risk__lt=risk) | Q(risk=risk, pk__gt=pk))
    rows = list(qs.order_by("-risk", "pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    now = timezone.now()
    for line in rows:
        line.days = (now - line.last_inspected_at).days if line.last_inspected_at else None
    return rows, (_cursor(rows[-1]) if more and rows else "")


def card_labels() -> dict:
    """The cards' words, looked up once a page (``get_FOO_display`` per card costs more than the query)."""
    from enterprises.choices import OperatingStatus

    from ..models import DueReason

    return {"status_labels": {k: str(v) for k, v in OperatingStatus.choices},
            "reason_labels": {k: str(v) for k, v in DueReason.choices}}


def _team(request) -> tuple[PatrolTeam | None, list[PatrolTeam]]:
    teams = my_teams(request.user)
    chosen = request.GET.get("team") or request.POST.get("team") or ""
    return next((t for t in teams if str(t.pk) == chosen), teams[0] if teams else None), teams


@roles_required(Role.INSPECTOR)
def due_view(request):
    team, teams = _team(request)
    rows, more = due_page(team, after=request.GET.get("after", "")) if team else ([], "")
    return render(request, "inspections/due.html", {"team": team, "teams": teams, "rows": rows, "more": more,
                                                    **card_labels(),
                                                    # every line of a build carries its time
                                                    "built_at": rows[0].built_at if rows else (
                                                        due_built_at(team) if team else None),
                                                    "total": DueLine.objects.filter(team=team).count() if team else 0})


@roles_required(Role.INSPECTOR)
@require_POST
def due_rebuild_view(request):
    team, _teams = _team(request)
    if team is None:
        raise PermissionDenied(_("您不是任何巡查组的成员。"))
    lines = due_list_rebuild(actor=request.user, team=team)
    messages.success(request, _("待巡查清单已更新：%(n)d 家。") % {"n": lines})
    return redirect(f"{request.path.rsplit('rebuild/', 1)[0]}?team={team.pk}")


def teams_visible(user):
    scope = scope_for(user)
    teams = PatrolTeam.objects.select_related("jurisdiction").order_by("jurisdiction__code", "name")
    if user.is_superuser or (scope.district and scope.role != Role.INSPECTOR) or scope.role == Role.DISTRICT_ADMIN:
        return teams
    if scope.role == Role.INSPECTOR:
        return teams.filter(pk__in=sorted(scope.team_ids))
    return teams.filter(jurisdiction_id__in=sorted(scope.jurisdiction_ids)) if scope.jurisdiction_ids else teams.none()


@roles_required(*TEAM_READERS)
def teams_view(request):
    teams = list(teams_visible(request.user).annotate(
        member_count=Count("patrolteamuserobjectpermission__user", distinct=True)))
    return render(request, "inspections/teams.html", {"teams": teams})


@roles_required(*TEAM_READERS)
def team_view(request, pk: int):
    team = get_object_or_404(teams_visible(request.user), pk=pk)
    return render(request, "inspections/team.html", {
        "team": team, "members": team_members(team),
        "inspections": Inspection.objects.filter(team=team).count(),
        "open_orders": RectificationOrder.objects.filter(team=team, status=RectificationOrder.Status.OPEN).count(),
        "due_lines": DueLine.objects.filter(team=team).count(),
    })
