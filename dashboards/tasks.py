"""Celery tasks of the dashboards (thin: they call the services)."""

from celery import shared_task

from zhifu_reopen.jobs import job_task_run

from .services.audit_trail import EXPORT_TASK as AUDIT_EXPORT_TASK
from .services.audit_trail import audit_export_job_run
from .services.reports import daily_report_if_due
from .services.summaries import summaries_refresh


@shared_task(name="dashboards.tasks.summaries_refresh")
def summaries_refresh_task() -> bool:
    return summaries_refresh().ok


@shared_task(name="dashboards.tasks.daily_report_if_due")
def daily_report_if_due_task() -> int:
    return daily_report_if_due()


@shared_task(bind=True, name=AUDIT_EXPORT_TASK, acks_late=True, reject_on_worker_lost=True)
def audit_export_task(self, job_id: int) -> None:
    job_task_run(self, job_id, audit_export_job_run)
