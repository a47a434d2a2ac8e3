"""责令停工: starting one (from a finding recorded with the action "stop work", or from a failed
re-inspection) and lifting it (a passed re-inspection). In one transaction with the finding: the enterprise
becomes 责令关停 through the registry's service and its live placard is suspended through the placards'
service, with the finding as the reason; a failure in any of them rolls back all of them.
Lock order: finding/order → enterprise → placard."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.services.enforcement import enterprise_stop_work
from placards.models import Placard
from placards.services import placard_suspend
from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import Conflict

from ..models import Finding, StopWork


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
    audit_record(actor=actor, action="stop_work.start", target=stop, enterprise=enterprise,
                 after={"finding": finding.pk, "status": stop.status}, reason=reason)
    return stop
