"""seed_demo step, last: a history of several weeks for the figures — the demo applications' filing and
decisions, the problems and the daily logs spread over the past four weeks (the demo's rows were all made
today) — then the summaries and a daily report for yesterday and for today, so the trend and the
day-on-day changes mean something on a newcomer's first run. Only demo data is moved."""

from __future__ import annotations

import datetime as dt

from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from approvals.models import Application
from liaisons.models import Problem
from zhifu_reopen.models import AuditEntry

from .services.reports import daily_report_make

WEEKS = 4


def seed_history(stdout) -> None:
    now = timezone.now()
    span = WEEKS * 7
    moved = 0
    backdated = []
    for app in Application.objects.exclude(submitted_at=None).only("pk", "approved_at").order_by("pk"):
        back = dt.timedelta(days=(app.pk * 5) % span + 1, hours=app.pk % 7)
        updates = {"created_at": F("created_at") - back, "submitted_at": F("submitted_at") - back}
        if app.approved_at:
            updates |= {"approved_at": F("approved_at") - back, "decided_at": F("decided_at") - back}
            backdated.append((app.enterprise_id, back))
        moved += Application.objects.filter(pk=app.pk).update(**updates)
    _audit_backdate(backdated)
    for problem in Problem.objects.only("pk").order_by("pk"):
        back = dt.timedelta(days=(problem.pk * 3) % 10 + 1)
        Problem.objects.filter(pk=problem.pk).update(created_at=F("created_at") - back,
                                                      resolved_at=F("resolved_at") - back / 2, due_at=F("due_at") - back)
    today = timezone.localdate(now)
    yesterday = today - dt.timedelta(days=1)
    # Yesterday's report as of yesterday evening (the figures that depend on time — coverage, the trend, the
    # deadlines — move; the statuses are today's: the demo has no history of them).
    daily_report_make(day=yesterday, now=timezone.make_aware(dt.datetime.combine(yesterday, dt.time(20))))
    report = daily_report_make(day=today)
    stdout.write(f"已分散 {moved} 份申请到近{WEEKS}周，生成日报 {report.day.isoformat()}。")


def _audit_backdate(moves: list) -> None:
    """Move the demo's approvals back in the trail too (the trend reads them). The trail is append-only
    (a trigger refuses every UPDATE, zhifu_reopen migration 0008): the demo seed, on its own fresh
    database, sets it aside for this one transaction as a superuser may (``session_replication_role``);
    where the role may not, the demo's approvals all stay dated today."""
    if not moves:
        return
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            for enterprise_id, back in moves:
                AuditEntry.objects.filter(action="enterprise.reopen_approved", target_id=enterprise_id).update(
                    created_at=F("created_at") - back)
    except DatabaseError:
        return
