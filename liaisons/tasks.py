"""Celery tasks of the liaison work (thin: they call the services)."""

from celery import shared_task

from .services.daily import daily_log_alerts_if_due
from .services.problems import problems_escalate_overdue


@shared_task(name="liaisons.tasks.problems_escalate_overdue")
def problems_escalate_overdue_task() -> int:
    return problems_escalate_overdue()


@shared_task(name="liaisons.tasks.daily_log_alerts_if_due")
def daily_log_alerts_if_due_task() -> int:
    """Beat's entry, every quarter of an hour: the evening check once its hour has come."""
    return daily_log_alerts_if_due()
