"""A broker restarted without persistence has lost the messages it held: the sweep sends again the pending
jobs sent before the broker's last start, at once rather than after STALE_AFTER (issue 13, the fault tests)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from zhifu_reopen import jobs
from zhifu_reopen.jobs import job_create, jobs_sweep
from zhifu_reopen.models import Job

pytestmark = pytest.mark.django_db


def _sent(user, minutes_ago: float) -> Job:
    from enterprises.tasks import enterprise_export_task

    job = job_create(kind="enterprise_export", user=user, params={})
    Job.objects.filter(pk=job.pk).update(task_name=enterprise_export_task.name,
                                        enqueued_at=timezone.now() - timedelta(minutes=minutes_ago))
    return job


def test_jobs_sent_before_the_broker_restarted_are_sent_again(personas):
    from enterprises.tasks import enterprise_export_task

    before, after = _sent(personas["staff_xy"], 3), _sent(personas["staff_xy"], 0.5)
    restarted = timezone.now() - timedelta(minutes=1)
    with mock.patch.object(jobs, "broker_started_at", return_value=restarted), \
            mock.patch.object(enterprise_export_task, "delay") as delay:
        assert jobs_sweep() == 1
    delay.assert_called_once_with(before.pk)  # its message died with the old broker; the other's is queued
    assert Job.objects.get(pk=before.pk).enqueued_at > restarted
    with mock.patch.object(jobs, "broker_started_at", return_value=restarted), \
            mock.patch.object(enterprise_export_task, "delay") as delay:
        assert jobs_sweep() == 0  # sent to the new broker: once
    assert after.pk


def test_without_a_known_broker_start_only_stale_jobs_are_sent_again(personas):
    from enterprises.tasks import enterprise_export_task

    _sent(personas["staff_xy"], 3)
    with mock.patch.object(jobs, "broker_started_at", return_value=None), \
            mock.patch.object(enterprise_export_task, "delay") as delay:
        assert jobs_sweep() == 0
    delay.assert_not_called()


@pytest.mark.redis
def test_redis_says_when_it_started(settings):
    from zhifu_reopen.celery import app

    if not app.conf.broker_url.startswith("redis"):
        pytest.skip("needs a Redis broker")
    started = jobs.broker_started_at()
    assert started is not None and started <= timezone.now()
