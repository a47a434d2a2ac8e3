"""Thin Celery tasks: load by id, call the service, idempotent, retried; a failure marks the job failed."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.utils import timezone

from zhifu_reopen.jobs import job_fail
from zhifu_reopen.models import Job

from .rendering import FontUnavailable

log = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError, OSError)
MAX_RETRIES = 3


def _run(task, job_id: int, func) -> None:
    try:
        func(job_id)
    except FontUnavailable as exc:  # needs a person, not a retry: fail loudly
        log.error("placard job %s: %s", job_id, exc)
        job_fail(job_id, exc)
    except TRANSIENT as exc:
        if task.request.retries >= MAX_RETRIES or task.request.is_eager:
            job_fail(job_id, exc)
            raise
        raise task.retry(exc=exc, countdown=2 ** task.request.retries) from exc
    except Exception as exc:
        job_fail(job_id, exc)
        raise


@shared_task(bind=True, name="placards.render", acks_late=True, reject_on_worker_lost=True)
def render_placard(self, job_id: int) -> None:
    from .services.jobs import render_job_run

    _run(self, job_id, render_job_run)


@shared_task(bind=True, name="placards.print_batch", acks_late=True, reject_on_worker_lost=True)
def print_batch(self, job_id: int) -> None:
    from .services.printing import batch_print_run

    _run(self, job_id, batch_print_run)


TASKS_BY_KIND = {"placard_render": render_placard, "placard_batch": print_batch}


STALE_AFTER = timedelta(minutes=10)


@shared_task(name="placards.sweep_pending_jobs")
def sweep_pending_jobs(min_age_seconds: int = 30) -> int:
    """Send again the placard jobs whose first send failed (broker down at commit time), and those still
    pending long after they were sent (the message lost, e.g. a broker restarted without persistence).
    Sending twice is harmless: a finished job is left alone."""
    now = timezone.now()
    unsent = Q(enqueued_at__isnull=True, created_at__lte=now - timedelta(seconds=min_age_seconds))
    stale = Q(enqueued_at__lte=now - STALE_AFTER)
    pending = (
        Job.objects.filter(kind__in=list(TASKS_BY_KIND), status=Job.Status.PENDING).filter(unsent | stale)
        .order_by("id").values_list("pk", "kind")[:1000]
    )
    sent = 0
    for pk, kind in pending:
        try:
            TASKS_BY_KIND[kind].delay(pk)
        except Exception as exc:
            log.warning("sweep: broker still unreachable (%s)", exc)
            break
        Job.objects.filter(pk=pk, status=Job.Status.PENDING).update(enqueued_at=timezone.now())
        sent += 1
    return sent
