"""Thin Celery tasks: load by id, call the service (``job_task_run``: retried on transient errors, a failure
marks the job failed), idempotent. A missing font needs a person, not a retry: the job fails loudly."""

from __future__ import annotations

from celery import shared_task

from zhifu_reopen.jobs import job_task_run

from .rendering import FontUnavailable


@shared_task(bind=True, name="placards.render", acks_late=True, reject_on_worker_lost=True)
def render_placard(self, job_id: int) -> None:
    from .services.jobs import render_job_run

    job_task_run(self, job_id, render_job_run, permanent=(FontUnavailable,))


@shared_task(bind=True, name="placards.print_batch", acks_late=True, reject_on_worker_lost=True)
def print_batch(self, job_id: int) -> None:
    from .services.printing import batch_print_run

    job_task_run(self, job_id, batch_print_run, permanent=(FontUnavailable,))
