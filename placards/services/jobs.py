"""The worker's side of a render job: one transaction, as few round trips to the database as it takes
(the page itself costs about ten milliseconds; every round trip counts against that)."""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from zhifu_reopen.models import Job

from ..models import Placard
from .placard_pdf import placard_draw, placard_load


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _lock_job(job_id: int) -> dict | None:
    """Lock the job row and return its params, or None when it is gone or finished. On PostgreSQL the
    same round trip turns off the wait for the WAL flush of this transaction: losing its commit in a
    database crash only means drawing the placard again."""
    sql = (f"SELECT {_qn('params')} FROM {_qn(Job._meta.db_table)} WHERE {_qn('id')} = %s "  # nosec B608: quoted identifiers and %s placeholders only; values are bound
           f"AND {_qn('status')} IN (%s, %s)")
    if connection.vendor == "postgresql":
        sql = "SET LOCAL synchronous_commit TO OFF; " + sql + " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [job_id, Job.Status.PENDING, Job.Status.RUNNING])  # nosemgrep: raw-sql-format -- quoted identifiers, values bound
        row = cursor.fetchone()
    if row is None:
        return None
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def _finish(job_id: int, placard: Placard, started) -> None:
    """Record the file on the placard and finish the job (on PostgreSQL: both UPDATEs in one trip)."""
    now = timezone.now()
    result = {"filename": f"{placard.year}-{placard.serial:05d}.pdf", "placard_id": placard.pk}
    if connection.vendor != "postgresql":
        Placard.objects.filter(pk=placard.pk).update(pdf=placard.pdf.name, rendered_at=now,
                                                     qr_url=placard.qr_url, qr_matrix=placard.qr_matrix)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.DONE, started_at=Coalesce(F("started_at"), started), finished_at=now,
            progress_done=Greatest(F("progress_total"), 1), output_file=placard.pdf.name, result=result,
        )
        return
    p, j = _qn(Placard._meta.db_table), _qn(Job._meta.db_table)
    sql = (
        f"UPDATE {p} SET {_qn('pdf')} = %s, {_qn('rendered_at')} = %s, {_qn('qr_url')} = %s, "  # nosec B608: quoted identifiers and %s placeholders only; values are bound
        f"{_qn('qr_matrix')} = %s WHERE {_qn('id')} = %s; "
        f"UPDATE {j} SET {_qn('status')} = %s, {_qn('started_at')} = COALESCE({_qn('started_at')}, %s), "
        f"{_qn('finished_at')} = %s, {_qn('progress_done')} = GREATEST({_qn('progress_total')}, 1), "
        f"{_qn('output_file')} = %s, {_qn('result')} = %s::jsonb WHERE {_qn('id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [placard.pdf.name, now, placard.qr_url, placard.qr_matrix, placard.pk,  # nosemgrep: raw-sql-format -- quoted identifiers, values bound
                             Job.Status.DONE, started, now, placard.pdf.name, json.dumps(result), job_id])


def render_job_run(job_id: int) -> None:
    """Lock the job, load the placard, draw and store it, record both, commit: four round trips on
    PostgreSQL. A worker dying half-way leaves the job as it was, for the redelivered message; a
    finished job is left alone (idempotent)."""
    with transaction.atomic():
        params = _lock_job(job_id)
        if params is None:
            return
        started = timezone.now()
        placard = placard_load(params["placard_id"])
        placard_draw(placard)
        _finish(job_id, placard, started)
