"""Job rows: created by services, advanced by thin Celery tasks, polled by the UI."""

from __future__ import annotations

import logging
import traceback
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Job

log = logging.getLogger(__name__)


def jobs_visible(user) -> QuerySet[Job]:
    if user.is_superuser:
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def job_create(*, kind: str, user=None, params: dict | None = None, total: int = 0) -> Job:
    return Job.objects.create(kind=kind, created_by=user, params=params or {}, progress_total=total)


def job_enqueue(job: Job, task) -> None:
    """Send ``task(job.pk)`` once the surrounding transaction commits. The task's name is kept on the
    row: if the broker is down the job stays pending and ``jobs_sweep`` sends it again later."""
    if job.task_name != task.name:
        job.task_name = task.name
        Job.objects.filter(pk=job.pk).update(task_name=task.name)

    def send():
        try:
            task.delay(job.pk)
        except Exception:  # broker unreachable: stays pending for the sweep
            return
        Job.objects.filter(pk=job.pk, enqueued_at__isnull=True).update(enqueued_at=timezone.now())

    transaction.on_commit(send)


STALE_AFTER = timedelta(minutes=10)


def jobs_sweep(*, min_age_seconds: int = 30, limit: int = 1000) -> int:
    """Send again every job whose first send failed (broker down at commit time) and those still pending
    long after they were sent (the message lost, e.g. a broker restarted without persistence). Sending
    twice is harmless: tasks are idempotent and leave a finished job alone."""
    from celery import current_app

    now = timezone.now()
    unsent = Q(enqueued_at__isnull=True, created_at__lte=now - timedelta(seconds=min_age_seconds))
    stale = Q(enqueued_at__lte=now - STALE_AFTER)
    pending = (
        Job.objects.filter(status=Job.Status.PENDING).exclude(task_name="").filter(unsent | stale)
        .order_by("id").values_list("pk", "task_name")[:limit]
    )
    sent = 0
    for pk, task_name in pending:
        try:
            current_app.tasks[task_name].delay(pk)
        except Exception as exc:
            log.warning("jobs sweep: cannot send job %s (%s)", pk, exc)
            break
        Job.objects.filter(pk=pk, status=Job.Status.PENDING).update(enqueued_at=timezone.now())
        sent += 1
    return sent


def job_start(job_id: int) -> Job | None:
    """Mark running; None if the job is already finished (idempotent re-delivery)."""
    updated = Job.objects.filter(pk=job_id, status__in=[Job.Status.PENDING, Job.Status.RUNNING]).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    return Job.objects.get(pk=job_id) if updated else None


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


def job_fail(job_id: int, exc: BaseException | str) -> None:
    text = exc if isinstance(exc, str) else "".join(traceback.format_exception_only(type(exc), exc))
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.FAILED, finished_at=timezone.now(), error=text.strip()[:4000]
    )
