"""Thin Celery tasks: load by id, call the service (``job_task_run``: retried on transient errors, a failure
marks the job failed), idempotent. A missing font needs a person, not a retry: the job fails loudly."""

from __future__ import annotations

from celery import shared_task

from zhifu_reopen.jobs import job_task_run

from .pdf import FontUnavailable
from .services import scans
from .services.issuing import RENDER_TASK
from .services.jobs import render_job_run
from .services.printing import PRINT_TASK, batch_print_run


@shared_task(bind=True, name=RENDER_TASK, acks_late=True, reject_on_worker_lost=True)
def render_placard(self, job_id: int) -> None:
    job_task_run(self, job_id, render_job_run, permanent=(FontUnavailable,))


@shared_task(bind=True, name=PRINT_TASK, acks_late=True, reject_on_worker_lost=True)
def print_batch(self, job_id: int) -> None:
    job_task_run(self, job_id, batch_print_run, permanent=(FontUnavailable,))


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def scans_fold() -> int:
    """Daily: raw verify-page scans older than PLACARD_SCAN_RAW_DAYS become daily counts."""
    return scans.scans_fold()
