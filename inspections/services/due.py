"""The look-back due list (回头看, 待巡查清单) of each patrol team, rebuilt every morning by Celery beat
(``INSPECTIONS_DUE_LIST_HOUR``) and on demand by a member: for each team ONE DELETE and ONE INSERT … SELECT.

A line is an enterprise in the team's coverage (a district team: the whole district; a street's joint
team: its street) that is

- ``unauthorised``: 私开偷开, not yet dealt with by its street;
- ``order_due``: has an open rectification order whose deadline has come (the earliest is linked);
- ``lookback``: 已复工 and not inspected for ``INSPECTIONS_LOOKBACK_DAYS`` days (or never).

One line per enterprise and team, with the most pressing reason (unauthorised > order due > look-back).
The **risk score** orders the list (highest first):

    category weight (防疫物资生产 30, 民生保障 25, 重点骨干 20, 商务楼宇 15, 一般 10) + 10 for a 九小场所
    + days since the last inspection, at most 60 (never inspected: 60)
    + 15 per open rectification order
    + reason bonus (unauthorised 60, order due 40, look-back 0)
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from org.models import PatrolTeam
from zhifu_reopen.audit import audit_record

from ..models import DueLine

logger = logging.getLogger(__name__)

CATEGORY_WEIGHTS = {"epidemic_supply": 30, "livelihood": 25, "key_backbone": 20, "office_building": 15,
                    "general": 10}
VENUE_BONUS = 10
MAX_DAYS = 60
PER_OPEN_ORDER = 15
REASON_BONUS = {"unauthorised": 60, "order_due": 40, "lookback": 0}


def _days_sql(vendor: str) -> str:
    if vendor == "postgresql":
        return f"LEAST({MAX_DAYS}, COALESCE(FLOOR(EXTRACT(EPOCH FROM (%s - li.last_at)) / 86400), {MAX_DAYS}))"
    return f"MIN({MAX_DAYS}, COALESCE(CAST(julianday(%s) - julianday(li.last_at) AS INTEGER), {MAX_DAYS}))"


def _insert_sql(vendor: str, *, street: bool) -> str:
    weights = " ".join(f"WHEN '{k}' THEN {v}" for k, v in CATEGORY_WEIGHTS.items())
    reason = ("CASE WHEN e.operating_status = 'unauthorised' THEN 'unauthorised' "
              "WHEN od.order_id IS NOT NULL THEN 'order_due' ELSE 'lookback' END")
    bonus = (f"CASE WHEN e.operating_status = 'unauthorised' THEN {REASON_BONUS['unauthorised']} "
             f"WHEN od.order_id IS NOT NULL THEN {REASON_BONUS['order_due']} ELSE 0 END")
    return f"""
        INSERT INTO inspections_dueline
            (team_id, enterprise_id, reason, order_id, risk, last_inspected_at, open_findings, built_at)
        SELECT %s, e.id, {reason}, od.order_id,
               (CASE e.category {weights} ELSE 10 END)
               + (CASE WHEN e.scale = 'venue' THEN {VENUE_BONUS} ELSE 0 END)
               + {_days_sql(vendor)} + {PER_OPEN_ORDER} * COALESCE(oo.n, 0) + {bonus},
               li.last_at, COALESCE(oo.n, 0), %s
        FROM enterprises_enterprise e
        LEFT JOIN (SELECT enterprise_id, MAX(started_at) AS last_at FROM inspections_inspection
                   GROUP BY enterprise_id) li ON li.enterprise_id = e.id
        LEFT JOIN (SELECT enterprise_id, MIN(id) AS order_id FROM inspections_rectificationorder
                   WHERE status = 'open' AND due_on <= %s GROUP BY enterprise_id) od ON od.enterprise_id = e.id
        LEFT JOIN (SELECT enterprise_id, COUNT(*) AS n FROM inspections_rectificationorder
                   WHERE status = 'open' GROUP BY enterprise_id) oo ON oo.enterprise_id = e.id
        WHERE {"e.jurisdiction_id = %s AND" if street else ""}
              (e.operating_status = 'unauthorised' OR od.order_id IS NOT NULL
               OR (e.operating_status = 'reopened' AND (li.last_at IS NULL OR li.last_at < %s)))
    """  # nosec B608: constants of this module only; the values are bound parameters


def due_list_build(team: PatrolTeam, *, now: dt.datetime | None = None) -> int:
    """Rebuild one team's due list (inside the caller's transaction, or its own). Returns the lines."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cutoff = now - dt.timedelta(days=settings.INSPECTIONS_LOOKBACK_DAYS)
    street = team.jurisdiction_id is not None
    params = [team.pk, now, now, today, *([team.jurisdiction_id] if street else []), cutoff]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM inspections_dueline WHERE team_id = %s", [team.pk])
        cursor.execute(_insert_sql(connection.vendor, street=street), params)
        return cursor.rowcount


def due_lists_build(*, team_ids=None, now=None) -> int:
    """Every team's list (the morning build); returns the lines written."""
    teams = PatrolTeam.objects.order_by("pk")
    if team_ids is not None:
        teams = teams.filter(pk__in=list(team_ids))
    total = 0
    for team in teams:
        total += due_list_build(team, now=now)
    logger.info("inspections: due lists built, %d lines", total)
    return total


def due_lists_build_if_due(*, now=None) -> int:
    """The morning build: once ``INSPECTIONS_DUE_LIST_HOUR`` has come today, build every list unless a build
    already ran since (the newest line's ``built_at``). Beat calls this every quarter of an hour."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    mark = local.replace(hour=settings.INSPECTIONS_DUE_LIST_HOUR, minute=0, second=0, microsecond=0)
    if local < mark:
        return 0
    newest = DueLine.objects.order_by("-built_at").values_list("built_at", flat=True).first()
    if newest is not None and newest >= mark:
        return 0
    return due_lists_build(now=now)


def due_list_rebuild(*, actor, team: PatrolTeam) -> int:
    """A member rebuilds its team's list now (audited). The caller checked membership."""
    with transaction.atomic():
        lines = due_list_build(team)
        audit_record(actor=actor, action="team.due_list_rebuild", target=team, after={"lines": lines})
    return lines


def due_built_at(team: PatrolTeam):
    return DueLine.objects.filter(team=team).order_by().values_list("built_at", flat=True).first()
