"""A running job beats; a job whose worker died (no beat, or a pool process gone) is taken over by
the next delivery, and one whose run is alive is left to it (issue 7, item 12)."""

import os
import socket
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from tests.placards.helpers import wait_for
from zhifu_reopen.jobs import job_create, job_running, job_start, jobs_sweep
from zhifu_reopen.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(personas):
    job = job_create(kind="enterprise_export", user=personas["staff_xy"], params={})
    Job.objects.filter(pk=job.pk).update(task_name="enterprises.export")
    return job


def running(job, *, runner: str, beat_age: float) -> None:
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, runner=runner,
                                        heartbeat_at=timezone.now() - timedelta(seconds=beat_age))


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_pending_job_is_claimed_by_this_process(job):
    claimed = job_start(job.pk)
    assert claimed.status == Job.Status.RUNNING and claimed.heartbeat_at is not None
    assert claimed.runner == f"{socket.gethostname()}:{os.getpid()}"


def test_a_live_run_keeps_its_job(job):
    running(job, runner="worker-host-2:4242", beat_age=5)  # another machine, beating
    assert job_start(job.pk) is None
    running(job, runner=f"{socket.gethostname()}:{os.getppid()}", beat_age=5)  # a live process here
    assert job_start(job.pk) is None
    assert Job.objects.get(pk=job.pk).runner.endswith(f":{os.getppid()}")


def test_a_silent_run_is_taken_over(job, settings):
    settings.JOB_HEARTBEAT_STALE_SECONDS = 45
    running(job, runner="worker-host-2:4242", beat_age=60)
    claimed = job_start(job.pk)
    assert claimed is not None and claimed.runner.endswith(f":{os.getpid()}")


def test_a_run_whose_process_is_gone_is_taken_over_at_once(job):
    running(job, runner=f"{socket.gethostname()}:{dead_pid()}", beat_age=1)  # a killed pool process
    assert job_start(job.pk) is not None


def test_a_finished_job_is_not_started_again(job):
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE)
    assert job_start(job.pk) is None


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_and_an_error_clears_the_beat(job, settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.05
    with pytest.raises(RuntimeError), job_running(job.pk) as claimed:
        first = claimed.heartbeat_at
        wait_for(lambda: Job.objects.get(pk=job.pk).heartbeat_at > first, timeout=30, interval=0.05,
                 message="a heartbeat")
        raise RuntimeError("transient")
    after = Job.objects.get(pk=job.pk)
    assert after.status == Job.Status.RUNNING and after.heartbeat_at is None  # a retry may claim it
    running(job, runner="worker-host-2:4242", beat_age=0)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=None)
    assert job_start(job.pk) is not None


def test_the_sweep_sends_a_job_that_stopped_beating_once(job, settings):
    from enterprises.tasks import enterprise_export_task

    settings.JOB_HEARTBEAT_STALE_SECONDS = 45
    running(job, runner="worker-host-2:4242", beat_age=10)
    with mock.patch.object(enterprise_export_task, "delay") as delay:
        assert jobs_sweep() == 0  # still beating
        running(job, runner="worker-host-2:4242", beat_age=60)
        assert jobs_sweep() == 1
        delay.assert_called_once_with(job.pk)
        assert jobs_sweep() == 0  # just sent: not again until that send is stale too
    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(seconds=60))
    with mock.patch.object(enterprise_export_task, "delay") as delay:
        assert jobs_sweep() == 1  # nobody took it: sent again
