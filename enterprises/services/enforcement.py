"""The registry's side of enforcement: a stop-work makes the enterprise 责令关停 and its lifting brings it
back. The authority is the inspections workflow's decision (its service checked the inspector against
its rule table, in the same transaction), so these only lock, move the status and record the audit entry.
Lock order: the caller's own rows (finding, order) → the enterprise → its placard."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import Conflict, DomainError

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


def enterprise_register_unauthorised(*, actor, jurisdiction, name: str, address: str, business: str) -> Enterprise:
    """A venue a patrol found open without registration (私开偷开), registered on the spot: no credit code
    (the street adds it when it regularises the venue), a 九小场所 of the general category until the street
    says otherwise. Called inside the patrol's transaction, which checked the inspector."""
    from ..choices import Category, Scale
    from ..validators import validate_plain_text

    name, address, business = (name or "").strip(), (address or "").strip(), (business or "").strip()
    errors = []
    if not name:
        errors.append(_("请填写场所名称（招牌名）。"))
    if not address:
        errors.append(_("请填写经营地址。"))
    if not business:
        errors.append(_("请填写经营内容。"))
    for label, value, limit in ((_("场所名称"), name, 100), (_("经营地址"), address, 200), (_("经营内容"), business, 200)):
        if len(value) > limit:
            errors.append(_("%(label)s过长：最多%(max)d个字。") % {"label": label, "max": limit})
        try:
            validate_plain_text(value)
        except ValidationError as exc:
            errors.append(f"{label}：{exc.messages[0]}")
    if errors:
        raise DomainError(errors[0], messages=errors, code="invalid")
    enterprise = Enterprise.objects.create(
        name=name, credit_code=None, scale=Scale.VENUE, category=Category.GENERAL, jurisdiction=jurisdiction,
        address=address, operating_status=S.UNAUTHORISED,
    )
    audit_record(actor=actor, action="enterprise.register_unauthorised", target=enterprise,
                 after={"name": name, "address": address, "business": business,
                        "operating_status": S.UNAUTHORISED})
    return enterprise


def enterprise_found_unauthorised(*, actor, enterprise: Enterprise, reason: str) -> Enterprise:
    """A registered enterprise found open without an approval: 私开偷开."""
    return _status_set(actor=actor, enterprise=enterprise, status=S.UNAUTHORISED, reason=reason,
                       action="enterprise.found_unauthorised")
