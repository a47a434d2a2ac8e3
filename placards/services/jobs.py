"""The worker's side of a render job."""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from zhifu_reopen.models import Job

from .rendering import placard_render


def _lock_job(job_id: int) -> dict | None:
    """Lock the job row and return its params, or None when it is gone or finished. On PostgreSQL the
    same round trip turns off the wait for the WAL flush of this transaction: losing its commit in a
    database crash only means drawing the placard again."""
    qn = connection.ops.quote_name
    sql = (f"SELECT {qn('params')} FROM {qn(Job._meta.db_table)} WHERE {qn('id')} = %s "
           f"AND {qn('status')} IN (%s, %s)")
    if connection.vendor == "postgresql":
        sql = "SET LOCAL synchronous_commit TO OFF; " + sql + " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [job_id, Job.Status.PENDING, Job.Status.RUNNING])
        row = cursor.fetchone()
    if row is None:
        return None
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def render_job_run(job_id: int) -> None:
    """One transaction: the job row locked, the placard drawn and stored, the job done, one commit. A
    worker dying half-way leaves the job as it was, for the redelivered message; a finished job is left
    alone (idempotent)."""
    with transaction.atomic():
        params = _lock_job(job_id)
        if params is None:
            return
        started = timezone.now()
        placard = placard_render(params["placard_id"])
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.DONE, started_at=Coalesce(F("started_at"), started), finished_at=timezone.now(),
            progress_done=Greatest(F("progress_total"), 1), output_file=placard.pdf.name,
            result={"filename": f"{placard.year}-{placard.serial:05d}.pdf", "placard_id": placard.pk},
        )
