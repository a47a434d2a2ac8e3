"""Celery tasks of the dashboards (thin: they call the services)."""

from celery import shared_task

from .services.reports import daily_report_if_due
from .services.summaries import summaries_refresh


@shared_task(name="dashboards.tasks.summaries_refresh")
def summaries_refresh_task() -> bool:
    return summaries_refresh().ok


@shared_task(name="dashboards.tasks.daily_report_if_due")
def daily_report_if_due_task() -> int:
    return daily_report_if_due()
