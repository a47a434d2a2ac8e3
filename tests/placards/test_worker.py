"""With a real Celery worker against Redis and PostgreSQL: the job lifecycle, a worker killed
mid-render, the broker down at approval time, redelivery."""

import os
import signal

import pytest
from django.utils import timezone

from placards.models import Placard
from placards.services import batch_print_request
from placards.tasks import render_placard
from tests.factories import EnterpriseFactory
from zhifu_reopen.celery import app
from zhifu_reopen.models import Job
from zhifu_reopen.tasks import sweep_pending_jobs

from .helpers import approve, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def job(pk) -> Job:
    return Job.objects.get(pk=pk)


def test_render_job_lifecycle(celery_worker_proc, xy, personas, settings):
    placard = approve(EnterpriseFactory(jurisdiction=xy), personas["secretary_xy"])
    pending = job(placard.render_job_id)
    assert pending.enqueued_at is not None  # sent on commit
    done = wait_for(lambda: job(pending.pk).status == Job.Status.DONE and job(pending.pk), timeout=60,
                    message=f"render job done\n{celery_worker_proc.output()[-3000:]}")
    assert done.started_at and done.finished_at and done.progress_done == 1
    placard.refresh_from_db()
    assert placard.pdf.name and (settings.MEDIA_ROOT / placard.pdf.name).read_bytes()[:5] == b"%PDF-"
    assert done.output_file.name == placard.pdf.name


def test_redelivered_render_makes_no_second_file(celery_worker_proc, xy, personas, settings):
    placard = approve(EnterpriseFactory(jurisdiction=xy), personas["taskforce"])
    first = placard.render_job_id
    wait_for(lambda: job(first).status == Job.Status.DONE, message="first render")
    finished = job(first).finished_at
    render_placard.delay(first)  # duplicate deliveries of the same job
    render_placard.delay(first)
    from placards.services import placard_render_request

    reprint = placard_render_request(placard=placard, actor=personas["taskforce"])
    wait_for(lambda: job(reprint.pk).status == Job.Status.DONE, message="reprint")
    assert job(first).finished_at == finished
    files = sorted(p.name for p in (settings.MEDIA_ROOT / "placards" / str(placard.year)).iterdir())
    assert files == [f"{placard.year}-{placard.serial:05d}.pdf"]
    assert Placard.objects.count() == 1 and Placard.objects.get().serial == placard.serial


def test_batch_on_the_worker_with_progress(celery_worker_proc, xy, personas):
    placards = [approve(EnterpriseFactory(jurisdiction=xy), personas["taskforce"]) for _ in range(30)]
    batch = batch_print_request(actor=personas["staff_xy"], placard_ids=[p.pk for p in placards])
    done = wait_for(lambda: job(batch.pk).status in (Job.Status.DONE, Job.Status.FAILED) and job(batch.pk),
                    timeout=120, message="batch")
    assert done.status == Job.Status.DONE, done.error
    assert done.result["pages"] == 30 and done.percent == 100


def test_worker_killed_mid_render_is_retried(celery_worker_proc, xy, personas):
    placards = [approve(EnterpriseFactory(jurisdiction=xy), personas["taskforce"]) for _ in range(250)]
    wait_for(lambda: not Job.objects.filter(kind="placard_render").exclude(status="done").exists(),
             timeout=180, message="single renders")
    batch = batch_print_request(actor=personas["staff_xy"], placard_ids=[p.pk for p in placards])
    wait_for(lambda: job(batch.pk).progress_done >= 20, timeout=60, interval=0.05, message="batch under way")
    children = celery_worker_proc.children()
    assert children, "no pool process"
    for child in children:
        os.kill(child.pid, signal.SIGKILL)  # the pool process dies mid-render
    assert job(batch.pk).status == Job.Status.RUNNING
    done = wait_for(lambda: job(batch.pk).status in (Job.Status.DONE, Job.Status.FAILED) and job(batch.pk),
                    timeout=180, message=f"retried batch\n{celery_worker_proc.output()[-3000:]}")
    assert done.status == Job.Status.DONE, done.error
    assert done.result["pages"] == 250
    assert "WorkerLostError" in celery_worker_proc.output() or "exited prematurely" in celery_worker_proc.output()


def _point_broker_at(url: str) -> None:
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def test_broker_down_at_approval_then_sweep(celery_worker_proc, xy, personas):
    good = app.conf.broker_url
    _point_broker_at("redis://127.0.0.1:1/0")  # nothing listens there: the broker is "down"
    try:
        started = timezone.now()
        placard = approve(EnterpriseFactory(jurisdiction=xy), personas["secretary_xy"])
        elapsed = (timezone.now() - started).total_seconds()
    finally:
        _point_broker_at(good)
    # The approval committed, with its placard; the job waits, unsent.
    placard.refresh_from_db()
    pending = job(placard.render_job_id)
    assert pending.status == Job.Status.PENDING and pending.enqueued_at is None
    assert elapsed < 30
    # The periodic sweep sends it once the broker is back.
    assert sweep_pending_jobs.run(min_age_seconds=0) == 1
    assert job(pending.pk).enqueued_at is not None
    wait_for(lambda: job(pending.pk).status == Job.Status.DONE, timeout=60, message="swept job done")
    assert sweep_pending_jobs.run(min_age_seconds=0) == 0  # nothing left
