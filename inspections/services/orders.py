"""A rectification order's re-inspection (整改复查): it checks only the order's finding. Passing closes the
order; failing escalates it to a stop-work, or extends it once with a reason and a new deadline. Each
outcome records the re-inspection (an Inspection of kind ``reinspection`` for the order) and its audit
entry in one transaction. Lock order: the order → the enterprise → its placard."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError

from ..models import Answer, Inspection, InspectionAnswer, InspectionKind, RectificationOrder, StopWork
from ..rules import order as rules
from .photos import photo_store
from .recording import check_members, check_photos, check_times
from .stop_work import stop_work_start

S = RectificationOrder.Status
OUTCOME_ACTIONS = {"pass": "reinspect_pass", "stop_work": "reinspect_stop_work", "extend": "extend"}  # nosec B105: an action name, not a password


def reinspection_write(*, actor, enterprise, team, order=None, version=None, item=None, passed: bool,
                       started_at, ended_at, members, note: str, checked_photos, location, finding=None):
    """The re-inspection's record: one answer for the finding's item (when it came from one), its photos."""
    inspection = Inspection.objects.create(
        enterprise=enterprise, team=team, kind=InspectionKind.REINSPECTION, order=order, checklist_version=version,
        recorded_by=actor, started_at=started_at, ended_at=ended_at, notes=(note or "").strip(),
    )
    inspection.members.set(members)
    answer = None
    if item is not None:
        answer = InspectionAnswer.objects.create(inspection=inspection, item=item,
                                                 answer=Answer.YES if passed else Answer.NO, note=(note or "")[:200])
    for checked in checked_photos:
        photo_store(checked=checked, actor=actor, inspection=inspection, answer=answer, finding=finding,
                    location=location)
    audit_record(actor=actor, action="inspection.record", target=inspection, enterprise=enterprise, after={
        "team": team.name, "kind": InspectionKind.REINSPECTION, "passed": passed,
        "order": order.pk if order else None,
    })
    return inspection


def order_reinspect(*, actor, order: RectificationOrder, team, outcome: str, started_at, ended_at, member_ids=(),
                    note: str = "", photos=(), extension_reason: str = "", new_due_on: dt.date | None = None,
                    location=(None, None, None)) -> RectificationOrder:
    """``outcome``: ``pass`` (closes the order), ``stop_work`` (escalates it) or ``extend`` (once)."""
    action = OUTCOME_ACTIONS.get(outcome)
    if action is None:
        raise DomainError(_("请选择复查结果。"), code="invalid")
    with transaction.atomic():
        order = (RectificationOrder.objects.select_for_update(of=("self",))
                 .select_related("finding", "finding__inspection", "enterprise").get(pk=order.pk))
        rules.require(actor, action, order, team=team)
        errors: list[str] = []
        check_times(started_at, ended_at, errors)
        members = check_members(team, actor, member_ids, errors)
        if outcome != "pass" and not (note or "").strip():
            errors.append(_("复查不合格，请写明仍存在的问题。"))
        if outcome == "extend":
            extension_reason = (extension_reason or "").strip()
            if not extension_reason:
                errors.append(_("请填写延期理由。"))
            if new_due_on is None or new_due_on <= order.due_on or new_due_on < timezone.localdate():
                errors.append(_("新的整改期限须晚于原期限（%(due)s）且不早于今天。") % {"due": order.due_on.isoformat()})
        checked = check_photos(photos, errors)
        if errors:
            raise DomainError(_("复查记录未保存，请修改以下问题："), messages=errors, code="invalid")
        finding = order.finding
        inspection = reinspection_write(
            actor=actor, enterprise=order.enterprise, team=team, order=order,
            version=finding.inspection.checklist_version, item=finding.item, passed=outcome == "pass",
            started_at=started_at, ended_at=ended_at, members=members, note=note, checked_photos=checked,
            location=location, finding=finding,
        )
        before = {"status": order.status, "due_on": order.due_on.isoformat()}
        if outcome == "pass":
            order.status, order.closed_at = S.CLOSED, timezone.now()
            order.save(update_fields=["status", "closed_at"])
            audit_record(actor=actor, action="order.close", target=order, enterprise=order.enterprise, before=before,
                         after={"status": order.status, "inspection": inspection.pk}, reason=note)
        elif outcome == "stop_work":
            order.status, order.closed_at = S.ESCALATED, timezone.now()
            order.save(update_fields=["status", "closed_at"])
            audit_record(actor=actor, action="order.escalate", target=order, enterprise=order.enterprise,
                         before=before, after={"status": order.status, "inspection": inspection.pk}, reason=note)
            if not StopWork.objects.filter(enterprise_id=order.enterprise_id, status=StopWork.Status.ACTIVE).exists():
                stop_work_start(finding=finding, actor=actor)
        else:
            order.due_on, order.extension_reason = new_due_on, extension_reason[:200]
            order.save(update_fields=["due_on", "extension_reason"])
            audit_record(actor=actor, action="order.extend", target=order, enterprise=order.enterprise,
                         before=before, after={"due_on": new_due_on.isoformat(), "inspection": inspection.pk},
                         reason=extension_reason)
    return order
