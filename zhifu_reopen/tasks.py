from celery import shared_task

from .jobs import jobs_sweep


@shared_task(name="jobs.sweep_pending")
def sweep_pending_jobs(min_age_seconds: int = 30) -> int:
    """Beat: re-send pending jobs of every kind (placards, imports, exports) the broker never got."""
    return jobs_sweep(min_age_seconds=min_age_seconds)
