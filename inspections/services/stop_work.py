"""责令停工: starting one (from a finding recorded with the action "stop work", or from a failed
re-inspection) and lifting it (a passed re-inspection). In one transaction with the finding: the enterprise
becomes 责令关停 through the registry's service and its live placard is suspended through the placards'
service, with the finding as the reason; a failure in any of them rolls back all of them.
Lock order: finding/order → enterprise → placard."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Application
from enterprises.services.enforcement import enterprise_stop_work, enterprise_stop_work_lift
from placards.models import Placard
from placards.services import placard_reinstate, placard_suspend
from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import Conflict, DomainError

from ..models import Finding, StopWork
from ..rules import stop_work as rules


def stop_work_reason(finding: Finding) -> str:
    """The reason written on the enterprise's and the placard's record: the finding, in Chinese (the record
    is always Chinese)."""
    return f"巡查发现问题，责令停工：{finding.get_category_display()}——{finding.description}"[:500]


@transaction.atomic
def stop_work_start(*, finding: Finding, actor) -> StopWork:
    """Shut the enterprise down for ``finding``. The caller has checked the actor against its rule table
    (recording: the inspection's team; re-inspection: the order's). Refused (409) when a stop-work is
    already active for the enterprise."""
    enterprise = finding.enterprise
    if StopWork.objects.filter(enterprise_id=enterprise.pk, status=StopWork.Status.ACTIVE).exists():
        raise Conflict(_("该企业已在责令停工中。"), code="conflict")
    reason = stop_work_reason(finding)
    stop = StopWork.objects.create(finding=finding, enterprise=enterprise, reason=reason, started_by=actor)
    enterprise_stop_work(actor=actor, enterprise=enterprise, reason=reason)
    for placard in Placard.objects.select_for_update().filter(enterprise_id=enterprise.pk,
                                                              status=Placard.Status.VALID).order_by("pk"):
        placard_suspend(placard=placard, actor=actor, reason=reason)
    audit_record(actor=actor, action="shutdown.start", target=stop, enterprise=enterprise,
                 after={"finding": finding.pk, "status": stop.status}, reason=reason)
    return stop


def holds_approval(enterprise) -> bool:
    """The enterprise still stands approved: an approved application whose placard is not revoked."""
    return Application.objects.filter(enterprise_id=enterprise.pk, status=Application.Status.APPROVED).exclude(
        placard__status=Placard.Status.REVOKED).exists()


def stop_work_lift(*, actor, stop: StopWork, reason: str, team=None, started_at=None, ended_at=None, member_ids=(),
                   photos=(), location=(None, None, None)) -> StopWork:
    """Lift an active stop-work after a passed re-inspection (a patrol member records it with its team) or
    by the task force: the enterprise back to 已复工 (未复工 if its approval lapsed meanwhile) and the placards
    the stop-work suspended reinstated, with the reason."""
    from .orders import reinspection_write
    from .recording import check_members, check_photos, check_times

    reason = (reason or "").strip()
    with transaction.atomic():
        stop = (StopWork.objects.select_for_update(of=("self",))
                .select_related("finding", "finding__inspection", "enterprise").get(pk=stop.pk))
        rules.require(actor, "lift", stop, team=team)
        errors: list[str] = []
        if not reason:
            errors.append(_("请填写解除停工的理由。"))
        inspection, members, checked = None, [], []
        if team is not None:
            check_times(started_at, ended_at, errors)
            members = check_members(team, actor, member_ids, errors)
            checked = check_photos(photos, errors)
        elif getattr(actor, "role", "") == "inspector":
            errors.append(_("请选择巡查组并记录复查。"))
        if errors:
            raise DomainError(errors[0], messages=errors, code="invalid")
        if team is not None:
            finding = stop.finding
            inspection = reinspection_write(
                actor=actor, enterprise=stop.enterprise, team=team, version=finding.inspection.checklist_version,
                item=finding.item, passed=True, started_at=started_at, ended_at=ended_at, members=members,
                note=reason, checked_photos=checked, location=location, finding=finding,
            )
        stop.status, stop.lifted_at, stop.lifted_by = StopWork.Status.LIFTED, timezone.now(), actor
        stop.lift_reason, stop.lifted_by_inspection = reason, inspection
        stop.save(update_fields=["status", "lifted_at", "lifted_by", "lift_reason", "lifted_by_inspection"])
        enterprise_stop_work_lift(actor=actor, enterprise=stop.enterprise, reason=reason,
                                  approved=holds_approval(stop.enterprise))
        for placard in Placard.objects.select_for_update().filter(enterprise_id=stop.enterprise_id,
                                                                  status=Placard.Status.SUSPENDED,
                                                                  status_reason=stop.reason).order_by("pk"):
            placard_reinstate(placard=placard, actor=actor, reason=reason)
        audit_record(actor=actor, action="shutdown.lift", target=stop, enterprise=stop.enterprise,
                     before={"status": StopWork.Status.ACTIVE},
                     after={"status": stop.status, "inspection": inspection.pk if inspection else None}, reason=reason)
    return stop
