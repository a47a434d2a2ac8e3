"""The worker's side of a render job."""

from __future__ import annotations

from zhifu_reopen.jobs import job_finish, job_start

from .rendering import placard_render


def render_job_run(job_id: int) -> None:
    job = job_start(job_id)
    if job is None:  # already finished: a redelivered message does nothing
        return
    placard = placard_render(job.params["placard_id"])
    job.output_file.name = placard.pdf.name
    job_finish(job, result={"filename": f"{placard.year}-{placard.serial:05d}.pdf", "placard_id": placard.pk})
