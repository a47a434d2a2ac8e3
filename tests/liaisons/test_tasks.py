"""The beat entries of the liaison work: intervals (the embedded beat runs them too), each a thin task
calling its service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from liaisons import tasks
from liaisons.models import DailyLogGap, Problem
from liaisons.services.problems import problem_raise

pytestmark = pytest.mark.django_db


def test_beat_runs_both_every_quarter_of_an_hour():
    entries = {e["task"]: e["schedule"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["liaisons.tasks.problems_escalate_overdue"] == 15 * 60.0
    assert entries["liaisons.tasks.daily_log_alerts_if_due"] == 15 * 60.0


def test_tasks_call_their_services(personas, firm, livelihood, monkeypatch):
    problem = problem_raise(actor=personas["liaison_xy"], enterprise=firm, category="supplies", description="缺口罩")
    Problem.objects.filter(pk=problem.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    assert tasks.problems_escalate_overdue_task() == 1
    assert Problem.objects.get(pk=problem.pk).owner == Problem.Owner.DEPARTMENT
    late = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(23, 0)))
    monkeypatch.setattr(timezone, "now", lambda: late)
    assert tasks.daily_log_alerts_if_due_task() == 1
    assert DailyLogGap.objects.filter(enterprise=livelihood).exists()
