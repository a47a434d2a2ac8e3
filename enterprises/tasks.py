"""Thin Celery tasks for import and export: load the job by id, call the service (``job_task_run``: retried
on transient errors, a failure marks the job failed); idempotent, a finished job is not run again."""

from __future__ import annotations

from celery import shared_task

from zhifu_reopen.jobs import job_task_run

from .services.exporting import EXPORT_TASK, export_job_run
from .services.importing import IMPORT_TASK, import_job_run


@shared_task(bind=True, name=IMPORT_TASK, acks_late=True, reject_on_worker_lost=True)
def enterprise_import_task(self, job_id: int) -> None:
    job_task_run(self, job_id, import_job_run)


@shared_task(bind=True, name=EXPORT_TASK, acks_late=True, reject_on_worker_lost=True)
def enterprise_export_task(self, job_id: int) -> None:
    job_task_run(self, job_id, export_job_run)
