"""The worker's side of a render job."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from zhifu_reopen.models import Job

from .rendering import placard_render


def render_job_run(job_id: int) -> None:
    """One transaction: the job row locked, the placard drawn and stored, the job done, one commit. A
    worker dying half-way leaves the job as it was, for the redelivered message; a finished job is left
    alone (idempotent)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Losing this commit in a database crash only means drawing the placard again.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return
        started = timezone.now()
        placard = placard_render(job.params["placard_id"])
        job.output_file.name = placard.pdf.name
        job.status = Job.Status.DONE
        job.started_at = job.started_at or started
        job.finished_at = timezone.now()
        job.progress_done = max(job.progress_total, 1)
        job.result = {"filename": f"{placard.year}-{placard.serial:05d}.pdf", "placard_id": placard.pk}
        job.save(update_fields=["status", "started_at", "finished_at", "progress_done", "result", "output_file"])
