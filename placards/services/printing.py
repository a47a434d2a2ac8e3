"""Batch printing: many placards, one multi-page PDF, drawn into one canvas with one font."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError
from zhifu_reopen.jobs import job_create, job_enqueue, job_finish, job_progress, job_running

from .. import pdf, rules
from ..models import Placard
from ..selectors import placards_visible
from .placard_pdf import placard_data, qr_for

BATCH_JOB = "placard_batch"
# The Celery task that prints a batch job (placards.tasks binds batch_print_run to this name): the
# service queues it by name and the tasks module imports the service, not the other way round.
PRINT_TASK = "placards.print_batch"
CHUNK = 200
MAX_BATCH = 5000
PROGRESS_EVERY = 20


def _iter_data(ids: Sequence[int]) -> Iterator[pdf.PlacardData]:
    """Placards in the given order, loaded a chunk at a time (memory stays flat)."""
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        rows = Placard.objects.select_related("enterprise__jurisdiction").in_bulk(chunk)
        computed = []
        for pk in chunk:
            if pk in rows:
                matrix, new = qr_for(rows[pk])
                if new:
                    computed.append(rows[pk])
                yield placard_data(rows[pk], matrix)
        if computed:  # kept for the next print
            Placard.objects.bulk_update(computed, ["qr_url", "qr_matrix"])


def placards_print_to(target, ids: Sequence[int], on_page: Callable[[int], None] | None = None) -> int:
    """Write the placards ``ids`` as one PDF to ``target`` (a path or binary file); returns pages."""
    return pdf.render_many(_iter_data(ids), target, on_page=on_page,
                                 title=_("准许复工公示牌（批量打印）"))


@transaction.atomic
def batch_print_request(*, actor, placard_ids: Sequence[int]):
    """Queue one PDF of the given placards (all must be visible to the actor)."""
    ids = list(dict.fromkeys(int(i) for i in placard_ids))
    if not ids:
        raise DomainError(_("请先选择要打印的公示牌。"))
    if len(ids) > MAX_BATCH:
        raise DomainError(_("一次最多打印 %(n)s 张公示牌。") % {"n": MAX_BATCH})
    visible = set(placards_visible(actor).filter(pk__in=ids).values_list("pk", flat=True))
    if len(visible) != len(ids):
        raise DomainError(_("所选公示牌中有不在您管辖范围内的。"), code="forbidden")
    # The table's rule for printing, set-wise: visible to the actor (its grants) and in a printable status.
    revoked = list(Placard.objects.filter(pk__in=ids).exclude(status__in=rules.TABLE.states_for("print"))
                   .values_list("number", flat=True))
    if revoked:
        raise DomainError(_("所选公示牌中有已撤销的，不能打印："), messages=revoked[:50], code="revoked")
    ordered = list(Placard.objects.filter(pk__in=ids).order_by("year", "serial").values_list("pk", flat=True))
    job = job_create(kind=BATCH_JOB, user=actor, params={"placard_ids": ordered}, total=len(ordered))
    audit_record(actor=actor, action="placard.batch_print", target=job, after={"count": len(ordered)})
    job_enqueue(job, PRINT_TASK)
    return job


def batch_print_run(job_id: int) -> None:
    """The worker's side of a batch print (idempotent: a finished job, or one another live worker is
    printing, is left alone; a job whose worker died is printed again from the start, into one file)."""
    with job_running(job_id) as job:
        if job is None:
            return
        ids = job.params.get("placard_ids", [])
        job_progress(job.pk, 0, len(ids))

        def progress(done: int) -> None:
            if done % PROGRESS_EVERY == 0:
                job_progress(job.pk, done)

        with tempfile.TemporaryFile() as tmp:
            pages = placards_print_to(tmp, ids, on_page=progress)
            tmp.seek(0)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            filename = f"公示牌批量打印-{stamp}-{pages}张.pdf"
            job.progress_done = pages
            job_finish(job, result={"filename": filename, "pages": pages,
                                    "summary": _("共 %(n)s 张公示牌") % {"n": pages}},
                       output_name=f"placards-batch-{job.pk}.pdf", output=File(tmp))
    Placard.objects.filter(pk__in=ids, printed_at__isnull=True).update(printed_at=timezone.now())
