"""Liaison assignments (驻企联络员派驻): assign a liaison to a firm (ending the firm's current assignment:
one liaison at a time), end one, and hand all of one liaison's firms over to another in one action —
for when an official is reassigned or ill. Each checks ``liaisons.rules.assignment`` on every firm it
touches, keeps the ended rows as history, and is audited on the firm (and the handover on the liaison)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.scope import forget_scope
from enterprises.models import Enterprise, LiaisonAssignment
from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError

from ..rules import assignment as rules

REASON_MAX = 200


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写理由。"), code="invalid")
    if len(reason) > REASON_MAX:
        raise DomainError(_("理由最多%(n)s字。") % {"n": REASON_MAX}, code="invalid")
    return reason


def _liaison(person: User | None) -> User:
    if person is None or person.role != Role.LIAISON or not person.is_active:
        raise DomainError(_("请选择一名在岗的驻企联络员。"), code="invalid")
    return person


def _end(assignment: LiaisonAssignment, *, actor, reason: str, now) -> None:
    assignment.ended_at, assignment.ended_by, assignment.end_reason = now, actor, reason
    assignment.save(update_fields=["ended_at", "ended_by", "end_reason"])


def liaison_assign(*, actor, enterprise: Enterprise, liaison: User, reason: str = "") -> LiaisonAssignment:
    """Station ``liaison`` in ``enterprise``; a liaison there before is relieved (history kept)."""
    liaison = _liaison(liaison)
    reason = (reason or "").strip()[:REASON_MAX]
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        rules.require(actor, "assign", enterprise)
        now = timezone.now()
        current = LiaisonAssignment.objects.filter(enterprise=enterprise, ended_at__isnull=True).first()
        if current is not None and current.liaison_id == liaison.pk:
            raise DomainError(_("%(name)s已是该企业的驻企联络员。") % {"name": liaison}, code="conflict")
        before = {}
        if current is not None:
            before = {"liaison": str(current.liaison)}
            _end(current, actor=actor, reason=reason or _("改派联络员"), now=now)
        assignment = LiaisonAssignment.objects.create(liaison=liaison, enterprise=enterprise, assigned_by=actor)
        audit_record(actor=actor, action="liaison.assign", target=enterprise, before=before,
                     after={"liaison": str(liaison)}, reason=reason)
    forget_scope(liaison)
    if current is not None:
        forget_scope(current.liaison)
    return assignment


def liaison_unassign(*, actor, enterprise: Enterprise, reason: str) -> None:
    reason = _reason(reason)
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        rules.require(actor, "unassign", enterprise)
        current = LiaisonAssignment.objects.filter(enterprise=enterprise, ended_at__isnull=True).select_related(
            "liaison").first()
        if current is None:
            raise DomainError(_("该企业当前没有驻企联络员。"), code="conflict")
        _end(current, actor=actor, reason=reason, now=timezone.now())
        audit_record(actor=actor, action="liaison.unassign", target=enterprise,
                     before={"liaison": str(current.liaison)}, after={"liaison": ""}, reason=reason)


def liaison_handover(*, actor, liaison: User, successor: User, reason: str) -> int:
    """Move every firm of ``liaison`` that ``actor`` may assign (a street: its own streets' firms; the task
    force: all) to ``successor``, in one transaction. Returns how many moved."""
    reason = _reason(reason)
    successor = _liaison(successor)
    if liaison.pk == successor.pk:
        raise DomainError(_("请选择另一名联络员接手。"), code="invalid")
    with transaction.atomic():
        ids = list(LiaisonAssignment.objects.filter(liaison=liaison, ended_at__isnull=True)
                   .values_list("enterprise_id", flat=True))
        enterprises = list(Enterprise.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        mine = [e for e in enterprises if rules.may(actor, "handover", e).allowed]
        if not mine:
            raise DomainError(_("该联络员没有您可以移交的企业。"), code="invalid")
        now = timezone.now()
        current = {a.enterprise_id: a for a in LiaisonAssignment.objects.select_for_update().filter(
            liaison=liaison, ended_at__isnull=True, enterprise_id__in=[e.pk for e in mine])}
        for enterprise in mine:
            _end(current[enterprise.pk], actor=actor, reason=reason, now=now)
        LiaisonAssignment.objects.bulk_create([
            LiaisonAssignment(liaison=successor, enterprise=e, assigned_by=actor) for e in mine])
        for enterprise in mine:
            audit_record(actor=actor, action="liaison.handover", target=enterprise,
                         before={"liaison": str(liaison)}, after={"liaison": str(successor)}, reason=reason)
        audit_record(actor=actor, action="liaison.handover", target=liaison, before={"enterprises": len(mine)},
                     after={"successor": str(successor), "enterprises": len(mine)}, reason=reason)
    forget_scope(liaison)
    forget_scope(successor)
    return len(mine)
