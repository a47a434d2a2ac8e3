"""Thin Celery tasks: load by id, call the service, idempotent, retried; a failure marks the job failed."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from zhifu_reopen.jobs import job_fail

from .rendering import FontUnavailable
from .services.issuing import RENDER_TASK
from .services.jobs import render_job_run
from .services.printing import PRINT_TASK, batch_print_run

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


@shared_task(bind=True, name=RENDER_TASK, acks_late=True, reject_on_worker_lost=True)
def render_placard(self, job_id: int) -> None:
    _run(self, job_id, render_job_run)


@shared_task(bind=True, name=PRINT_TASK, acks_late=True, reject_on_worker_lost=True)
def print_batch(self, job_id: int) -> None:
    _run(self, job_id, batch_print_run)
