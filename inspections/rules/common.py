"""Scopes shared by the patrol tables. A patrol member acts through a team it belongs to: a district team
(巡查指导组) everywhere, a street's joint team (联合巡查组) in its own street. ``ctx["team"]`` is the team the
act is done for (an inspection records its team); without one, any of the user's teams that covers the
enterprise will do."""

from __future__ import annotations

from org.models import PatrolTeam


def team_covers(team: PatrolTeam, jurisdiction_id: int | None) -> bool:
    return team.jurisdiction_id is None or team.jurisdiction_id == jurisdiction_id


def scope_team(table, user, scope, obj, ctx) -> bool:
    """The user is a member of the act's team, and that team covers the object's street."""
    jurisdiction_id = table.jurisdiction_of(obj)
    team = ctx.get("team")
    if team is not None:
        return team.pk in scope.team_ids and team_covers(team, jurisdiction_id)
    if scope.district:
        return bool(scope.team_ids)
    return jurisdiction_id is not None and jurisdiction_id in scope.jurisdiction_ids


def teams_covering(user, scope, jurisdiction_id: int | None) -> list[PatrolTeam]:
    """The user's teams that may act on an enterprise of ``jurisdiction_id`` (the street's own team first)."""
    teams = PatrolTeam.objects.filter(pk__in=sorted(scope.team_ids)).order_by("jurisdiction_id", "pk")
    covering = [t for t in teams if team_covers(t, jurisdiction_id)]
    return sorted(covering, key=lambda t: (t.jurisdiction_id is None, t.pk))
