"""With a real Celery worker against Redis and PostgreSQL: the job lifecycle, a worker killed
mid-render, the broker down at approval time, redelivery."""

import os
import re
import signal

import pytest
from django.utils import timezone

from placards.models import Placard
from placards.services import batch_print_request
from placards.tasks import render_placard
from tests.celery_worker import point_broker_at
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


def test_broker_down_at_approval_then_sweep(celery_worker_proc, xy, personas):
    good = app.conf.broker_url
    point_broker_at("redis://127.0.0.1:1/0")  # nothing listens there: the broker is "down"
    try:
        started = timezone.now()
        placard = approve(EnterpriseFactory(jurisdiction=xy), personas["secretary_xy"])
        elapsed = (timezone.now() - started).total_seconds()
    finally:
        point_broker_at(good)
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


def _lock_row(table: str, pk: int):
    """Hold a row lock from a connection of its own until ``.rollback()``: a worker that writes the row
    waits there, at a known point, for as long as the test needs (no timing luck)."""
    import psycopg2
    from django.db import connection

    db = connection.settings_dict
    conn = psycopg2.connect(dbname=db["NAME"], user=db["USER"], password=db.get("PASSWORD") or "",
                            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
    conn.cursor().execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR UPDATE', [pk])
    return conn


def test_a_whole_worker_killed_mid_batch_is_taken_over_and_prints_each_placard_once(
        celery_worker_proc, xy, personas, settings):
    import subprocess

    from zhifu_reopen.jobs import jobs_sweep

    settings.JOB_HEARTBEAT_STALE_SECONDS = 3  # as the worker's own setting (tests/celery_worker.py)
    placards = [approve(EnterpriseFactory(jurisdiction=xy), personas["taskforce"]) for _ in range(250)]
    wait_for(lambda: not Job.objects.filter(kind="placard_render").exclude(status="done").exists(),
             timeout=180, message="single renders")
    # The batch draws QR codes afresh and stores them after each chunk of 200 pages: with one of the
    # first chunk's rows locked, the worker stops there, 200 pages into the job, until it is killed.
    Placard.objects.update(qr_url="")
    lock = _lock_row(Placard._meta.db_table, placards[7].pk)
    try:
        batch = batch_print_request(actor=personas["staff_xy"], placard_ids=[p.pk for p in placards])
        held = wait_for(lambda: job(batch.pk).progress_done == 200 and job(batch.pk), timeout=120,
                        message=f"batch at 200\n{celery_worker_proc.output()[-3000:]}")
        first_runner = held.runner
        wait_for(lambda: job(batch.pk).heartbeat_at > held.heartbeat_at, timeout=60, message="a beat")
        celery_worker_proc.kill()
    finally:
        lock.rollback()
        lock.close()
    dead = job(batch.pk)
    assert dead.status == Job.Status.RUNNING and dead.progress_done == 200  # "running 200/250", forever
    celery_worker_proc.start()
    # Once its beat is stale the sweep sends it again (on Redis the dead worker's message is not given back
    # before its visibility timeout). RabbitMQ gives the unacknowledged message back as soon as the dead
    # worker's connection drops: the fresh worker then takes the job over itself if its beat is stale by
    # the time it starts, or skips it (a live run) and the sweep sends it once it is — either way once.
    wait_for(lambda: job(batch.pk).runner not in ("", first_runner) or jobs_sweep() == 1, timeout=120,
             interval=0.5, message="the job taken over or sent again by the sweep")
    done = wait_for(lambda: job(batch.pk).status in (Job.Status.DONE, Job.Status.FAILED) and job(batch.pk),
                    timeout=180, message=f"taken-over batch\n{celery_worker_proc.output()[-3000:]}")
    assert done.status == Job.Status.DONE, done.error
    assert done.runner != first_runner and done.result["pages"] == 250
    text = subprocess.run(["pdftotext", done.output_file.path, "-"], capture_output=True, text=True,
                          check=True).stdout
    assert text.count("\f") == 250
    numbers = [p.number for p in Placard.objects.filter(pk__in=[p.pk for p in placards])]
    assert all(text.count(number) == 1 for number in numbers)  # each placard printed exactly once
    finished = done.finished_at
    from placards.tasks import print_batch

    batch_runs = re.compile(r"Task placards\.print_batch\[[0-9a-f-]+\] succeeded")

    def handled() -> int:
        return len(batch_runs.findall(celery_worker_proc.output().rsplit("ready.", 1)[-1]))

    before = handled()
    print_batch.delay(batch.pk)  # the old message, should the broker give it back at last
    wait_for(lambda: handled() == before + 1, timeout=60, message="the late delivery handled")
    assert job(batch.pk).finished_at == finished
