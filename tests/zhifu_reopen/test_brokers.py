"""The broker behind Celery is Redis or RabbitMQ (issue 13, item 10): real beat → broker → worker. Run
in the normal pass on Redis and in the RabbitMQ pass of .ci/run (CELERY_BROKER_URL=amqp://…)."""

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.celery_worker import ROOT, Worker, worker_env
from tests.factories import EnterpriseFactory
from tests.placards.helpers import approve, wait_for
from zhifu_reopen.models import Job

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_settings_name_the_broker_of_the_environment(settings):
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    assert broker == settings.CELERY_BROKER_URL
    if broker.startswith("amqp"):
        assert "visibility_timeout" not in settings.CELERY_BROKER_TRANSPORT_OPTIONS  # a Redis notion
    assert settings.CACHES["default"]["LOCATION"] == os.environ["REDIS_URL"]  # Redis stays the cache


def test_beat_sends_the_sweep_and_the_worker_runs_the_lost_job(xy, personas, settings, tmp_path):
    """A placard's render message is lost (the queue purged): only the sweep that beat sends through the
    broker gets the job done by the worker."""
    from zhifu_reopen.celery import app

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL")
    old = app.conf.task_always_eager
    app.conf.task_always_eager = False
    worker = beat = None
    try:
        app.control.purge()
        placard = approve(EnterpriseFactory(jurisdiction=xy), personas["secretary_xy"])
        assert app.control.purge() >= 1  # the render message, lost
        job = Job.objects.get(pk=placard.render_job_id)
        Job.objects.filter(pk=job.pk).update(enqueued_at=None, created_at=timezone.now() - timedelta(minutes=5))

        env = worker_env(settings, os.environ["REDIS_URL"])
        env["JOBS_SWEEP_SECONDS"] = "1"
        worker = Worker(env, tmp_path / "worker.log").start()
        log = open(tmp_path / "beat.log", "ab")  # noqa: SIM115
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "zhifu_reopen", "beat", "-l", "info",
             "--schedule", str(tmp_path / "beat-schedule")],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        done = wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE, timeout=120,
                        message=f"the swept job done\n{(tmp_path / 'beat.log').read_text()[-2000:]}\n"
                                f"{worker.output()[-2000:]}")
        assert done
        assert "jobs.sweep_pending" in (tmp_path / "beat.log").read_text()
        placard.refresh_from_db()
        assert placard.pdf
    finally:
        if beat is not None:
            beat.send_signal(signal.SIGTERM)
            try:
                beat.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(beat.pid, signal.SIGKILL)
                beat.wait(timeout=10)
        if worker is not None:
            worker.stop()
        app.conf.task_always_eager = old
