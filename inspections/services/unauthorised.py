"""私开偷开: a patrol finds a venue open without registration, or a registered enterprise open without an
approval, and records it on the spot with a photo.

- An unregistered venue enters the registry through the registry's service with status 私开偷开 and no
  credit code; a registered enterprise's status becomes 私开偷开.
- Either way an inspection of kind ``unauthorised`` (no checklist) carries one finding of category 私开偷开
  with the action 责令停工 (stop operating). No stop-work row is opened and no placard is touched: there is
  no approval to suspend, and the status 私开偷开 is itself the order to stay shut. The enterprise stays on
  the covering teams' due lists until its street acts (registers it properly, applies, or closes it).
- The street's officials are notified to act.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.posts import Post, holders
from accounts.roles import Role
from approvals.services.deadlines import notify
from enterprises.choices import OperatingStatus
from enterprises.models import Enterprise
from enterprises.services.enforcement import enterprise_found_unauthorised, enterprise_register_unauthorised
from org.models import Jurisdiction
from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError

from ..models import Finding, FindingCategory, Inspection, InspectionKind
from ..rules import inspection as rules
from .photos import photo_store
from .recording import check_members, check_photos, check_times

OPEN_WITHOUT_APPROVAL = (OperatingStatus.NOT_REOPENED, OperatingStatus.UNAUTHORISED)


def unauthorised_record(*, actor, team, started_at, ended_at, member_ids=(), description: str, photos=(),
                        enterprise: Enterprise | None = None, jurisdiction: Jurisdiction | None = None,
                        name: str = "", address: str = "", business: str = "", location=(None, None, None),
                        notes: str = "") -> Inspection:
    """Record an unauthorised opening: of ``enterprise`` (registered), or of a new venue (``name``,
    ``address``, ``business`` in ``jurisdiction``). At least one photo."""
    errors: list[str] = []
    if enterprise is None and jurisdiction is None:
        errors.append(_("请选择所在街道。"))
    probe = enterprise or Enterprise(jurisdiction=jurisdiction, department=None)
    if probe.jurisdiction_id is not None:
        rules.require(actor, "record", Inspection(enterprise=probe, team=team), team=team)
    if enterprise is not None and enterprise.operating_status not in OPEN_WITHOUT_APPROVAL:
        errors.append(_("该企业当前状态为“%(status)s”，不是未经批准营业。") % {
            "status": enterprise.get_operating_status_display()})
    check_times(started_at, ended_at, errors)
    members = check_members(team, actor, member_ids, errors)
    if not (description or "").strip():
        errors.append(_("请填写现场情况（经营内容、人员情况）。"))
    if not photos:
        errors.append(_("请至少拍一张现场照片。"))
    checked = check_photos(photos, errors)
    if errors:
        raise DomainError(_("未保存，请修改以下问题："), messages=errors, code="invalid")
    with transaction.atomic():
        if enterprise is None:
            enterprise = enterprise_register_unauthorised(actor=actor, jurisdiction=jurisdiction, name=name,
                                                          address=address, business=business)
        else:
            enterprise = enterprise_found_unauthorised(actor=actor, enterprise=enterprise,
                                                       reason=f"巡查发现未经批准营业：{description.strip()}"[:500])
        inspection = Inspection.objects.create(
            enterprise=enterprise, team=team, kind=InspectionKind.UNAUTHORISED, recorded_by=actor,
            started_at=started_at, ended_at=ended_at, notes=(notes or "").strip(),
        )
        inspection.members.set(members)
        finding = Finding.objects.create(inspection=inspection, enterprise=enterprise,
                                         category=FindingCategory.UNAUTHORISED, description=description.strip(),
                                         action=Finding.Action.STOP_WORK)
        for photo in checked:
            photo_store(checked=photo, actor=actor, inspection=inspection, finding=finding, location=location)
        audit_record(actor=actor, action="inspection.record", target=inspection, enterprise=enterprise,
                     after={"team": team.name, "kind": InspectionKind.UNAUTHORISED, "findings": 1})
        audit_record(actor=actor, action="finding.record", target=finding, enterprise=enterprise,
                     after={"category": finding.category, "action": finding.action}, reason=finding.description)
        street = holders(Post(Role.STREET_STAFF, enterprise.jurisdiction))
        notify(street, code="enforcement.unauthorised",
               data={"firm": enterprise.name, "address": enterprise.address, "team": team.name},
               link=reverse("enterprises:detail", args=[enterprise.pk]))
    return inspection
