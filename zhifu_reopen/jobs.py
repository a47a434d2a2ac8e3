"""Job rows: created by services, advanced by thin Celery tasks, polled by the UI."""

from __future__ import annotations

import traceback

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from .models import Job


def jobs_visible(user) -> QuerySet[Job]:
    if user.is_superuser:
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def job_create(*, kind: str, user=None, params: dict | None = None, total: int = 0) -> Job:
    return Job.objects.create(kind=kind, created_by=user, params=params or {}, progress_total=total)


def job_enqueue(job: Job, task, *args) -> None:
    """Send ``task(job.pk, *args)`` once the surrounding transaction commits. If the broker is down
    the job stays pending; a periodic sweep sends it again."""

    def send():
        try:
            task.delay(job.pk, *args)
        except Exception:  # broker unreachable: stays pending for the sweep
            return
        Job.objects.filter(pk=job.pk, enqueued_at__isnull=True).update(enqueued_at=timezone.now())

    transaction.on_commit(send)


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


def job_advance(job_id: int, step: int = 1) -> None:
    Job.objects.filter(pk=job_id).update(progress_done=F("progress_done") + step)


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
