"""Suspend, revoke, reinstate: the placard always tells the truth about whether the firm may be open.
The task force acts directly; the inspections work calls these from a stop-work finding (inspector in
scope)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import scope_for
from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError

from ..models import Placard

S = Placard.Status


def _check_actor(actor, placard: Placard) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise DomainError(_("请先登录。"), code="forbidden")
    scope = scope_for(actor)
    if actor.is_superuser or scope.role == Role.TASK_FORCE:
        return
    if scope.role == Role.INSPECTOR and (
        scope.district or placard.enterprise.jurisdiction_id in scope.jurisdiction_ids
    ):
        return
    raise DomainError(_("您无权变更该公示牌的状态。"), code="forbidden")


def _change(*, placard: Placard, actor, reason: str, to: str, allowed_from: tuple, action: str,
            check_actor: bool = True) -> Placard:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写原因。"), messages=[_("请填写原因。")])
    with transaction.atomic():
        locked = Placard.objects.select_for_update().select_related("enterprise").get(pk=placard.pk)
        if check_actor:
            _check_actor(actor, locked)
        if locked.status not in allowed_from:
            raise DomainError(
                _("公示牌当前状态为“%(status)s”，不能执行此操作。") % {"status": locked.get_status_display()},
                code="conflict",
            )
        before = {"status": locked.status, "status_reason": locked.status_reason}
        locked.status = to
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
        audit_record(
            actor=actor, action=action, target=locked, enterprise=locked.enterprise, before=before,
            after={"status": to, "status_reason": reason}, reason=reason,
        )
    return locked


def placard_suspend(*, placard: Placard, actor, reason: str) -> Placard:
    return _change(placard=placard, actor=actor, reason=reason, to=S.SUSPENDED, allowed_from=(S.VALID,),
                   action="placard_suspend")


def placard_revoke(*, placard: Placard, actor, reason: str) -> Placard:
    return _change(placard=placard, actor=actor, reason=reason, to=S.REVOKED,
                   allowed_from=(S.VALID, S.SUSPENDED), action="placard_revoke")


def placard_reinstate(*, placard: Placard, actor, reason: str) -> Placard:
    """Only a suspended placard comes back; a revoked one is final (a new approval issues a new one)."""
    return _change(placard=placard, actor=actor, reason=reason, to=S.VALID, allowed_from=(S.SUSPENDED,),
                   action="placard_reinstate")


def placard_revoke_for_application(*, application, actor, reason: str) -> Placard | None:
    """The application's approval lapsed (rejected or withdrawn after a change of substance): its placard
    is revoked with the decision's reason, in the deciding transaction. The decision is the authority
    here (its actor was checked by the approvals service), not a placard permission. Idempotent."""
    placard = Placard.objects.filter(application_id=application.pk).first()
    if placard is None or placard.status == S.REVOKED:
        return placard
    return _change(placard=placard, actor=actor, reason=reason, to=S.REVOKED, allowed_from=(S.VALID, S.SUSPENDED),
                   action="placard_revoke", check_actor=False)


# Application states in which an approved application is back under review after a change of
# substance: the placard stays valid meanwhile, and says so.
UNDER_CHANGE_REVIEW = ("submitted", "in_review", "returned")


def placard_under_change_review(placard_status: str, application_status: str) -> bool:
    """The one rule for every page showing a placard: a valid placard whose application is back under
    review after a change reads 有效 · 变更审核中."""
    return placard_status == S.VALID and application_status in UNDER_CHANGE_REVIEW
