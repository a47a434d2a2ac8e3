"""What the patrol pages share: reading the field form (times, team, members, location), the page's
refusal."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from accounts.scope import scope_for
from org.models import PatrolTeam

from ..rules.common import teams_covering
from ..selectors import team_members
from ..services.photos import location_parse


def moment(value: str):
    parsed = parse_datetime((value or "").strip())
    if parsed is None:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def day(value: str) -> dt.date | None:
    try:
        return parse_date((value or "").strip())
    except ValueError:
        return None


def local_input(value) -> str:
    """A datetime as the browser's datetime-local input takes it."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


def location_of(post) -> tuple:
    return location_parse(post.get("latitude"), post.get("longitude"), post.get("accuracy"))


def team_for(request, jurisdiction_id, chosen: str = "") -> tuple[PatrolTeam | None, list[PatrolTeam]]:
    """The team the user acts for on an enterprise of ``jurisdiction_id``: the chosen one if it covers it,
    else the first covering one (the street's own team first). 403 when none of the user's teams does."""
    teams = teams_covering(request.user, scope_for(request.user), jurisdiction_id)
    if not teams:
        if request.user.is_superuser:
            teams = list(PatrolTeam.objects.filter(jurisdiction_id__in=[None, jurisdiction_id]).order_by("pk"))
        if not teams:
            raise PermissionDenied("no covering team")
    team = next((t for t in teams if str(t.pk) == str(chosen)), teams[0])
    return team, teams


def field_context(request, team, teams) -> dict:
    now = timezone.now()
    return {"team": team, "teams": teams, "members": team_members(team), "now_input": local_input(now),
            "start_input": local_input(now - dt.timedelta(minutes=30))}


def refused(request, template: str, context: dict, exc, status: int | None = None):
    context = {**context, "errors": exc.messages or [exc.message], "error_title": exc.message,
               "form": request.POST}
    return render(request, template, context, status=status or (403 if exc.code == "forbidden" else exc.status_code))
