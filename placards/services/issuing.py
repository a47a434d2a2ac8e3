"""Issuing a placard inside the approving transaction: gapless yearly number, token, short code."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifu_reopen import counters
from zhifu_reopen.audit import audit_record
from zhifu_reopen.counters import counter_next
from zhifu_reopen.errors import DomainError
from zhifu_reopen.jobs import job_create, job_enqueue

from ..models import Placard
from ..rules import require

# No look-alikes: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
TOKEN_BYTES = 24  # 192 bits
RENDER_JOB = "placard_render"
# The Celery task that renders a placard's PDF (placards.tasks binds render_job_run to this name): the
# service queues it by name and the tasks module imports the service, not the other way round.
RENDER_TASK = "placards.render"


def format_number(year: int, serial: int) -> str:
    return f"芝复工〔{year}〕{serial:05d}号"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def _unique_code() -> str:
    for _attempt in range(10):
        code = new_code()
        if not Placard.objects.filter(code=code).exists():
            return code
    raise DomainError(_("无法生成唯一的核验码，请重试。"))


def reopen_day(application, approved_at):
    """准许复工日期: the approval day, or the later day the enterprise asked to reopen on."""
    day = approved_at.date()
    requested = application.requested_reopen_on
    return max(day, requested) if requested else day


@transaction.atomic
def placard_issue(*, application, actor) -> Placard:
    """Create the placard of an approved application (idempotent: one placard per application) and
    queue its PDF for a worker once the transaction commits."""
    existing = Placard.objects.select_for_update().filter(application_id=application.pk).first()
    require(actor, "issue", existing or Placard(application=application, enterprise_id=application.enterprise_id))
    approved_at = timezone.localtime(application.approved_at or timezone.now())
    if existing is not None:
        return _refresh(existing, application, approved_at, actor)
    reopen_on = reopen_day(application, approved_at)
    year = approved_at.year
    serial = counter_next(counters.PLACARD, year)
    now = timezone.now()
    placard = Placard.objects.create(
        application=application,
        enterprise_id=application.enterprise_id,
        year=year,
        serial=serial,
        number=format_number(year, serial),
        token=new_token(),
        code=_unique_code(),
        approved_on=reopen_on,
        approved_headcount=application.returning_headcount,
        status=Placard.Status.VALID,
        status_changed_at=now,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor, action="placard.issue", target=placard, enterprise=placard.enterprise,
        after={"number": placard.number, "code": placard.code, "status": placard.status},
    )
    _queue_render(placard, actor)
    return placard


def _refresh(placard: Placard, application, approved_at, actor) -> Placard:
    """Approved again (after a change of substance): same number and token, the approved facts brought
    up to date and the PDF drawn again. A re-run with nothing changed does nothing."""
    facts = {"approved_headcount": application.returning_headcount,
             "approved_on": reopen_day(application, approved_at)}
    before = {k: getattr(placard, k) for k in facts}
    if before == facts:
        return placard
    for key, value in facts.items():
        setattr(placard, key, value)
    placard.save(update_fields=list(facts))
    audit_record(actor=actor, action="placard.update", target=placard, enterprise=placard.enterprise,
                 before={k: str(v) for k, v in before.items()}, after={k: str(v) for k, v in facts.items()})
    _queue_render(placard, actor)
    return placard


def _queue_render(placard: Placard, actor) -> None:
    job = job_create(
        kind=RENDER_JOB, user=actor if getattr(actor, "pk", None) else None,
        params={"placard_id": placard.pk}, total=1,
    )
    Placard.objects.filter(pk=placard.pk).update(render_job=job)
    placard.render_job = job
    job_enqueue(job, RENDER_TASK)


@transaction.atomic
def placard_render_request(*, placard: Placard, actor):
    """Reprint on demand: a new render job; the worker overwrites the placard's one file."""
    placard = Placard.objects.select_for_update().select_related("enterprise").get(pk=placard.pk)
    require(actor, "render", placard)
    audit_record(actor=actor, action="placard.reprint", target=placard, enterprise=placard.enterprise)
    _queue_render(placard, actor)
    return placard.render_job
