"""Job rows: created by services, advanced by thin Celery tasks, polled by the UI."""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from .breaker import broker_breaker
from .models import Job

log = logging.getLogger(__name__)
BROKER_ERRORS = (KombuOperationalError, OSError)


def jobs_visible(user) -> QuerySet[Job]:
    if user.is_superuser:
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def job_create(*, kind: str, user=None, params: dict | None = None, total: int = 0) -> Job:
    return Job.objects.create(kind=kind, created_by=user, params=params or {}, progress_total=total)


def task_named(name: str):
    """The registered Celery task ``name``. A web process has not imported the apps' tasks modules yet
    the first time: they are loaded as a worker loads them."""
    try:
        return current_app.tasks[name]
    except KeyError:
        current_app.loader.import_default_modules()
        return current_app.tasks[name]


def job_enqueue(job: Job, task) -> None:
    """Send ``task(job.pk)`` once the surrounding transaction commits. ``task`` is the task or its
    registered name: a service names its task (``enterprises.import`` …) rather than import the tasks
    module, which imports the service to run the job. The task's name is kept on the row: if the
    broker is down the job stays pending and ``jobs_sweep`` sends it again later. One try, no retries,
    and none at all while the broker is known to be down (``broker_breaker``): the request that queued
    the job answers at once either way."""
    if isinstance(task, str):
        task = task_named(task)
    if job.task_name != task.name:
        job.task_name = task.name
        Job.objects.filter(pk=job.pk).update(task_name=task.name)

    def send():
        if not broker_breaker.allows():
            return
        try:
            task.apply_async((job.pk,), retry=False)
        except BROKER_ERRORS as exc:  # broker unreachable: stays pending for the sweep
            broker_breaker.trip(exc)
            return
        except Exception:  # an eager task that failed has marked its job; the request goes on
            log.exception("job %s: sending %s failed", job.pk, task.name)
            return
        Job.objects.filter(pk=job.pk, enqueued_at__isnull=True).update(enqueued_at=timezone.now())

    transaction.on_commit(send)


STALE_AFTER = timedelta(minutes=10)


def broker_started_at():
    """When the broker last started, where it can say (Redis: ``INFO`` uptime), else None. A Redis that
    restarted without persistence has lost every message it held: the jobs sent before are sent again (one
    whose message survived, a Redis with persistence, runs once all the same: ``job_start``)."""
    if not broker_breaker.allows():
        return None
    try:
        with current_app.connection_for_read() as conn:
            uptime = conn.default_channel.client.info("server")["uptime_in_seconds"]
    except Exception:  # another transport (no such client), or the broker unreachable
        return None
    return timezone.now() - timedelta(seconds=int(uptime))


def jobs_sweep(*, min_age_seconds: int = 30, limit: int = 1000) -> int:
    """Send again every job whose first send failed (broker down at commit time), those still pending
    that were sent before the broker last started (a Redis restarted without persistence: the message is
    gone) or long ago (the message lost some other way), and
    those running whose heartbeat has stopped (the whole worker died; its unacknowledged message would
    only come back at the broker's visibility timeout). With a beat every ``JOB_HEARTBEAT_SECONDS``,
    stale after ``JOB_HEARTBEAT_STALE_SECONDS`` and this sweep every minute, a dead worker's job is sent
    again within two minutes. Sending twice is harmless: ``job_start`` lets one run hold a job."""
    now = timezone.now()
    unsent = Q(enqueued_at__isnull=True, created_at__lte=now - timedelta(seconds=min_age_seconds))
    stale = Q(enqueued_at__lte=now - STALE_AFTER)
    restarted = broker_started_at()
    if restarted is not None:
        stale |= Q(enqueued_at__lt=restarted)
    pending = Q(status=Job.Status.PENDING) & (unsent | stale)
    beat_stale = now - timedelta(seconds=settings.JOB_HEARTBEAT_STALE_SECONDS)
    dead = Q(status=Job.Status.RUNNING, heartbeat_at__lt=beat_stale) & (
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=beat_stale))
    due = (
        Job.objects.filter(pending | dead).exclude(task_name="")
        .order_by("id").values_list("pk", "task_name", "status")[:limit]
    )
    sent = 0
    for pk, task_name, status in due:
        try:
            current_app.tasks[task_name].delay(pk)
        except Exception as exc:
            log.warning("jobs sweep: cannot send job %s (%s)", pk, exc)
            break
        if status == Job.Status.RUNNING:
            log.warning("jobs sweep: job %s stopped beating, sent again", pk)
        Job.objects.filter(pk=pk, status=status).update(enqueued_at=timezone.now())
        sent += 1
    return sent


def _runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _runner_is_gone(runner: str) -> bool:
    """True when ``runner`` names a process of this host that no longer exists (a pool process killed
    mid-job, whose message the worker hands straight to the next one)."""
    host, _, pid = runner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def job_start(job_id: int) -> Job | None:
    """Claim the job for this process and mark it running; None when there is nothing to do here: the
    job is finished (a redelivered message), or another live run holds it (its heartbeat is fresh and
    its process, where this host can tell, still exists). A running job whose beat has stopped is taken
    over; the run that took it is the only one that beats and finishes."""
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(
            pk=job_id, status__in=[Job.Status.PENDING, Job.Status.RUNNING]).first()
        if job is None:
            return None
        if job.status == Job.Status.RUNNING and job.heartbeat_at is not None:
            fresh = job.heartbeat_at > now - timedelta(seconds=settings.JOB_HEARTBEAT_STALE_SECONDS)
            if fresh and job.runner != _runner_id() and not _runner_is_gone(job.runner):
                log.info("job %s: still running in %s, this delivery does nothing", job_id, job.runner)
                return None
        job.status, job.heartbeat_at, job.runner = Job.Status.RUNNING, now, _runner_id()
        job.started_at = job.started_at or now
        job.save(update_fields=["status", "heartbeat_at", "runner", "started_at"])
    log.info("job %s (%s): started", job.pk, job.kind)
    return job


class _Heartbeat(threading.Thread):
    """Beats for one running job until stopped; its own database connection, closed when it ends."""

    def __init__(self, job_id: int, runner: str):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.runner = job_id, runner
        self.stopped = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING, runner=self.runner).update(
                        heartbeat_at=timezone.now())
                except Exception as exc:  # the database blinked: the next beat tries again
                    log.warning("job %s: heartbeat failed: %s", self.job_id, exc)
        finally:
            connection.close()


@contextmanager
def job_running(job_id: int) -> Iterator[Job | None]:
    """``with job_running(pk) as job:`` claims the job (``job_start``; None: nothing to do) and beats for
    it while the block runs. Leaving the block by an exception clears the beat, so the task's retry can
    claim the job at once; a block that finished the job leaves it as it is."""
    job = job_start(job_id)
    if job is None:
        yield None
        return
    beat = _Heartbeat(job.pk, job.runner)
    beat.start()
    failed = True
    try:
        yield job
        failed = False
    finally:
        beat.stopped.set()
        beat.join()
        if failed:
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, runner=job.runner).update(heartbeat_at=None)


def job_progress(job_id: int, done: int, total: int | None = None) -> None:
    fields = {"progress_done": done}
    if total is not None:
        fields["progress_total"] = total
    Job.objects.filter(pk=job_id).update(**fields)


def job_finish(job: Job, *, result: dict | None = None, output_name: str = "", output=None) -> None:
    if output is not None:
        job.output_file.save(output_name, output, save=False)
    job.status = Job.Status.DONE
    job.finished_at = timezone.now()
    job.result = result or {}
    job.progress_done = max(job.progress_done, job.progress_total)
    job.save(update_fields=["status", "finished_at", "result", "progress_done", "output_file"])
    log.info("job %s (%s): done", job.pk, job.kind)


def job_fail(job_id: int, exc: BaseException | str) -> None:
    text = exc if isinstance(exc, str) else "".join(traceback.format_exception_only(type(exc), exc))
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.FAILED, finished_at=timezone.now(), error=text.strip()[:4000]
    )


TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)  # database, storage, network: worth a retry
JOB_TASK_MAX_RETRIES = 3


def job_task_run(task, job_id: int, run, *, permanent: tuple[type[BaseException], ...] = ()) -> None:
    """The body of every job task: ``run(job_id)``; a transient error is retried with back-off (the job
    stays as it is for the retry), anything else — and an exhausted retry — marks the job failed. An
    error of ``permanent`` needs a person, not a retry: the job fails and the task ends quietly."""
    try:
        run(job_id)
    except permanent as exc:
        log.error("job %s: %s", job_id, exc)
        job_fail(job_id, exc)
    except TRANSIENT_ERRORS as exc:
        if task.request.retries >= JOB_TASK_MAX_RETRIES or task.request.is_eager:
            job_fail(job_id, exc)
            raise
        log.warning("job %s: transient error, retrying: %s", job_id, exc)
        raise task.retry(exc=exc, countdown=2 ** task.request.retries) from exc
    except Exception as exc:
        job_fail(job_id, exc)
        raise
