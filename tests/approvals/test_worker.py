"""The beat tasks on a real Celery worker (Redis broker, PostgreSQL): sent by name, as beat does."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from approvals.models import Application
from tests.approvals import helpers as h
from tests.placards.helpers import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def test_beat_tasks_run_on_the_worker(celery_worker_proc, personas, enterprise_xy):
    from zhifu_reopen.celery import app

    staff, taskforce = personas["staff_xy"], personas["taskforce"]
    application = h.submitted(staff, enterprise_xy)
    Application.objects.filter(pk=application.pk).update(step_deadline=timezone.now() - timedelta(hours=30))
    app.send_task("approvals.tasks.send_deadline_reminders")
    app.send_task("approvals.tasks.escalate_overdue")
    wait_for(lambda: Notification.objects.filter(user=staff, message__contains="超时").exists(),
             timeout=60, message="the reminder")
    wait_for(lambda: Notification.objects.filter(user=taskforce, message__contains="上报专班").exists(),
             timeout=60, message="the escalation")
    application.refresh_from_db()
    assert application.escalated_at is not None and application.reminded_at is not None
