"""The registry's side of enforcement: a stop-work makes the enterprise 责令关停 and its lifting brings it
back. The authority is the inspections workflow's decision (its service checked the inspector against
its rule table, in the same transaction), so these only lock, move the status and record the audit entry.
Lock order: the caller's own rows (finding, order) → the enterprise → its placard."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import Conflict

from ..choices import OperatingStatus
from ..models import Enterprise

S = OperatingStatus


def _status_set(*, actor, enterprise: Enterprise, status: str, reason: str, action: str) -> Enterprise:
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if locked.operating_status == S.CEASED:
        raise Conflict(_("该企业已关闭，不能变更经营状态。"), code="conflict")
    before = {"operating_status": locked.operating_status}
    locked.operating_status = status
    locked.save(update_fields=["operating_status", "updated_at"])
    audit_record(actor=actor, action=action, target=locked, before=before,
                 after={"operating_status": status}, reason=reason)
    return locked


def enterprise_stop_work(*, actor, enterprise: Enterprise, reason: str) -> Enterprise:
    """责令关停, called inside the stop-work's transaction."""
    return _status_set(actor=actor, enterprise=enterprise, status=S.CLOSED, reason=reason,
                       action="enterprise.stop_work")


def enterprise_stop_work_lift(*, actor, enterprise: Enterprise, reason: str, approved: bool) -> Enterprise:
    """The stop-work is lifted: 已复工 again where the enterprise still holds an approval, else 未复工."""
    return _status_set(actor=actor, enterprise=enterprise, status=S.REOPENED if approved else S.NOT_REOPENED,
                       reason=reason, action="enterprise.stop_work_lift")
