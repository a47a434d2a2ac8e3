"""Celery tasks of patrols (thin: they call the services)."""

from celery import shared_task

from .services.due import due_lists_build


@shared_task(name="inspections.tasks.due_lists_build")
def due_lists_build_task() -> int:
    return due_lists_build()
