"""Celery tasks of patrols (thin: they call the services)."""

from celery import shared_task

from .services.due import due_lists_build, due_lists_build_if_due


@shared_task(name="inspections.tasks.due_lists_build")
def due_lists_build_task() -> int:
    return due_lists_build()


@shared_task(name="inspections.tasks.due_lists_build_daily")
def due_lists_build_daily_task() -> int:
    """Beat's entry: the morning build, once a day (0 when today's build is done or not due yet)."""
    return due_lists_build_if_due()
