"""Suspend, revoke, reinstate: the placard always tells the truth about whether the enterprise may be open.
Who may, from which status, to which: ``placards.rules`` (the task force acts on the page; the
inspections work calls these from a stop-work finding, inspector in scope)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError

from ..models import Placard
from ..rules import require

S = Placard.Status


def _change(*, placard: Placard, actor, reason: str, rule: str, action: str) -> Placard:
    """Move the placard as the table's row for ``rule`` says (who may, from which status, to which)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写原因。"), messages=[_("请填写原因。")])
    with transaction.atomic():
        locked = Placard.objects.select_for_update().select_related("enterprise").get(pk=placard.pk)
        verdict = require(actor, rule, locked)
        before = {"status": locked.status, "status_reason": locked.status_reason}
        locked.status = verdict.target
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
        audit_record(
            actor=actor, action=action, target=locked, enterprise=locked.enterprise, before=before,
            after={"status": locked.status, "status_reason": reason}, reason=reason,
        )
    return locked


def placard_suspend(*, placard: Placard, actor, reason: str) -> Placard:
    return _change(placard=placard, actor=actor, reason=reason, rule="suspend", action="placard.suspend")


def placard_revoke(*, placard: Placard, actor, reason: str) -> Placard:
    return _change(placard=placard, actor=actor, reason=reason, rule="revoke", action="placard.revoke")


def placard_reinstate(*, placard: Placard, actor, reason: str) -> Placard:
    """Only a suspended placard comes back; a revoked one is final (a new approval issues a new one)."""
    return _change(placard=placard, actor=actor, reason=reason, rule="reinstate", action="placard.reinstate")


def placard_revoke_for_application(*, application, actor, reason: str) -> Placard | None:
    """The application's approval lapsed (rejected or withdrawn after a change of substance): its placard
    is revoked with the decision's reason, in the deciding transaction. The decision is the authority
    here (its actor was checked by the approvals service), not a placard permission. Idempotent."""
    placard = Placard.objects.filter(application_id=application.pk).first()
    if placard is None or require(actor, "revoke_lapsed", placard).target is None:  # revoked already
        return placard
    return _change(placard=placard, actor=actor, reason=reason, rule="revoke_lapsed", action="placard.revoke")


# Application states in which an approved application is back under review after a change of
# substance: the placard stays valid meanwhile, and says so.
UNDER_CHANGE_REVIEW = ("submitted", "in_review", "returned")


def placard_under_change_review(placard_status: str, application_status: str) -> bool:
    """The one rule for every page showing a placard: a valid placard whose application is back under
    review after a change reads 有效 · 变更审核中."""
    return placard_status == S.VALID and application_status in UNDER_CHANGE_REVIEW
