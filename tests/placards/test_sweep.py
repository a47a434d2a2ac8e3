from datetime import timedelta

import pytest
from django.utils import timezone

from zhifu_reopen.models import Job
from zhifu_reopen.tasks import sweep_pending_jobs

from .helpers import approve

pytestmark = pytest.mark.django_db


def test_sweep_sends_unsent_and_stale_jobs_only(enterprise_xy, xy, personas):
    from tests.factories import EnterpriseFactory

    unsent = Job.objects.get(pk=approve(enterprise_xy, personas["taskforce"]).render_job_id)
    stale = Job.objects.get(pk=approve(EnterpriseFactory(jurisdiction=xy), personas["taskforce"]).render_job_id)
    fresh = Job.objects.get(pk=approve(EnterpriseFactory(jurisdiction=xy), personas["taskforce"]).render_job_id)
    Job.objects.filter(pk=stale.pk).update(enqueued_at=timezone.now() - timedelta(minutes=30))
    Job.objects.filter(pk=fresh.pk).update(enqueued_at=timezone.now())
    assert sweep_pending_jobs.run(min_age_seconds=60) == 1  # unsent but too young; the stale one goes
    assert Job.objects.get(pk=stale.pk).status == Job.Status.DONE  # eager here: ran at once
    Job.objects.filter(pk=unsent.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert sweep_pending_jobs.run(min_age_seconds=60) == 1
    assert Job.objects.get(pk=unsent.pk).status == Job.Status.DONE
    assert Job.objects.get(pk=fresh.pk).status == Job.Status.PENDING
    assert sweep_pending_jobs.run() == 0


def test_sweep_is_in_the_beat_schedule(settings):
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "jobs.sweep_pending"]
    assert entries and entries[0]["schedule"] <= 120
