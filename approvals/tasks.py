"""Thin periodic tasks (Celery beat): they call the deadline services, which are idempotent."""

from celery import shared_task

from .services import retention
from .services.deadlines import deadline_reminders_send, overdue_escalate


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def send_deadline_reminders() -> int:
    return deadline_reminders_send()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def escalate_overdue() -> int:
    return overdue_escalate()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def personal_data_purge() -> dict:
    """Daily: delete the rosters and materials past their retention (idempotent)."""
    return retention.personal_data_purge()
