"""Thin Celery tasks for import and export: load the job by id, call the service, idempotent (a finished
job is not run again), retried only on transient database or storage errors."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from zhifu_reopen.jobs import job_fail

from .services.exporting import EXPORT_TASK, export_job_run
from .services.importing import IMPORT_TASK, import_job_run

log = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
MAX_RETRIES = 3


def _run(task, job_id: int, func) -> None:
    try:
        func(job_id)
    except TRANSIENT as exc:
        if task.request.retries >= MAX_RETRIES or task.request.is_eager:
            job_fail(job_id, exc)
            raise
        log.warning("job %s: transient error, retrying: %s", job_id, exc)
        raise task.retry(exc=exc, countdown=2 ** task.request.retries) from exc
    except Exception as exc:
        job_fail(job_id, exc)
        raise


@shared_task(bind=True, name=IMPORT_TASK, acks_late=True, reject_on_worker_lost=True)
def enterprise_import_task(self, job_id: int) -> None:
    _run(self, job_id, import_job_run)


@shared_task(bind=True, name=EXPORT_TASK, acks_late=True, reject_on_worker_lost=True)
def enterprise_export_task(self, job_id: int) -> None:
    _run(self, job_id, export_job_run)
