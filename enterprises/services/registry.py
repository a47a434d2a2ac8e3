"""Write path for the enterprise registry: create, edit, close for good, survey visits. Each checks scope and
rules, writes and records the audit entry in one transaction.

The operating status is not an editable field: approval sets 已复工 (approvals.services.review), a
stop-work order 责令关停 (inspections), and the registry's own ``enterprise_close`` 已关闭 with a reason.
Create and update refuse any other value."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import scope_for
from zhifu_reopen.audit import audit_record, changed, snapshot
from zhifu_reopen.date_bounds import validate_past_day
from zhifu_reopen.errors import DomainError

from ..choices import OperatingStatus
from ..models import Enterprise, SurveyVisit
from ..signals import enterprise_closing
from ..validators import normalise_credit_code, plain_text_errors

EDITABLE_FIELDS = [
    "name", "credit_code", "scale", "category", "department", "jurisdiction", "community", "grid",
    "address", "legal_representative", "prevention_contact", "prevention_mobile", "employee_count",
    "output_over_100m",
]
CLOSE_REASON_MAX = 500


def _require_registrar(user, jurisdiction_id: int) -> None:
    scope = scope_for(user)
    if user.is_superuser:
        return
    if scope.role != Role.STREET_STAFF or jurisdiction_id not in scope.jurisdiction_ids:
        raise DomainError(_("只有本街道/园区的工作人员可以登记或修改本辖区企业。"), code="forbidden")


def _check_org(data: dict) -> None:
    jurisdiction, community, grid = data.get("jurisdiction"), data.get("community"), data.get("grid")
    if community is not None and community.jurisdiction_id != jurisdiction.pk:
        raise DomainError(_("所选社区不属于所选街道。"))
    if grid is not None and (community is None or grid.community_id != community.pk):
        raise DomainError(_("所选网格不属于所选社区。"))


def _refuse_status(data: dict, current: str) -> None:
    """The registry never sets the operating status by hand (issue 7 item 17)."""
    wanted = data.get("operating_status")
    if wanted not in (None, "") and wanted != current:
        raise DomainError(
            _("经营状态不能直接修改：复工须经审批通过，关停由停工处置决定，永久关闭请使用“关闭”并说明原因。"),
            code="status_locked",
        )


def duplicate_of(credit_code: str, exclude_pk: int | None = None) -> Enterprise | None:
    qs = Enterprise.objects.filter(credit_code=normalise_credit_code(credit_code))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def _duplicate() -> DomainError:
    return DomainError(_("统一社会信用代码已登记。"), code="duplicate")


def _full_clean(enterprise: Enterprise) -> None:
    """Every field rule (the plain-text rule shared with the form and the import included), but not the
    credit code's uniqueness: that is the database's to decide, at the insert (:func:`_save_unique`). A
    unique check here would see an enterprise another official committed a moment ago and fail with a
    ValidationError where the answer is the "already registered" refusal."""
    errors = plain_text_errors({name: getattr(enterprise, name) for name in EDITABLE_FIELDS})
    try:
        enterprise.full_clean(validate_unique=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _save_unique(enterprise: Enterprise) -> None:
    """Save; a credit code registered by someone else at the same instant is a refusal, not a 500."""
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError as exc:
        raise _duplicate() from exc


@transaction.atomic
def enterprise_create(*, user, data: dict, reason: str = "") -> Enterprise:
    _require_registrar(user, data["jurisdiction"].pk)
    _refuse_status(data, OperatingStatus.NOT_REOPENED)
    _check_org(data)
    data = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    data["credit_code"] = normalise_credit_code(data["credit_code"])
    if duplicate_of(data["credit_code"]):
        raise _duplicate()  # early; an enterprise registered after this check is refused at the insert
    enterprise = Enterprise(**data)
    _full_clean(enterprise)
    _save_unique(enterprise)
    audit_record(actor=user, action="enterprise.create", target=enterprise, after=snapshot(enterprise),
                 reason=reason)
    return enterprise


@transaction.atomic
def enterprise_update(*, user, enterprise: Enterprise, data: dict, reason: str = "") -> Enterprise:
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_registrar(user, enterprise.jurisdiction_id)
    _refuse_status(data, enterprise.operating_status)
    if "jurisdiction" in data:
        _require_registrar(user, data["jurisdiction"].pk)
    merged = {f: getattr(enterprise, f) for f in EDITABLE_FIELDS} | {
        k: v for k, v in data.items() if k in EDITABLE_FIELDS
    }
    _check_org(merged)
    merged["credit_code"] = normalise_credit_code(merged["credit_code"])
    if duplicate_of(merged["credit_code"], exclude_pk=enterprise.pk):
        raise _duplicate()
    before = snapshot(enterprise)
    for key, value in merged.items():
        setattr(enterprise, key, value)
    _full_clean(enterprise)
    _save_unique(enterprise)
    old, new = changed(before, snapshot(enterprise))
    if new:
        audit_record(actor=user, action="enterprise.update", target=enterprise, before=old, after=new,
                     reason=reason)
    return enterprise


@transaction.atomic
def enterprise_close(*, user, enterprise: Enterprise, reason: str) -> Enterprise:
    """Close an enterprise for good (已关闭: ceased trading, deregistered, moved out of the district) with a
    required reason. Refused while an application is open or a placard still stands: those are decided
    by their own workflows first (withdraw the application; the task force revokes the placard): those
    apps refuse through ``enterprise_closing``."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写关闭原因。"), messages=[_("请填写关闭原因。")], code="reason_required")
    if len(reason) > CLOSE_REASON_MAX:
        raise DomainError(_("关闭原因不能超过%(n)d个字。") % {"n": CLOSE_REASON_MAX}, code="invalid")
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_registrar(user, enterprise.jurisdiction_id)
    if enterprise.operating_status == OperatingStatus.CEASED:
        raise DomainError(_("该企业已关闭。"), code="conflict")
    enterprise_closing.send(sender=Enterprise, enterprise=enterprise, user=user)  # may refuse
    before = {"operating_status": enterprise.operating_status}
    enterprise.operating_status = OperatingStatus.CEASED
    enterprise.save(update_fields=["operating_status", "updated_at"])
    audit_record(actor=user, action="enterprise.close", target=enterprise, before=before,
                 after={"operating_status": OperatingStatus.CEASED}, reason=reason)
    return enterprise


@transaction.atomic
def survey_visit_record(
    *, user, enterprise: Enterprise, visited_on: date, observed_status: str, notes: str = ""
) -> SurveyVisit:
    scope = scope_for(user)
    allowed = user.is_superuser or (
        scope.role == Role.STREET_STAFF and enterprise.jurisdiction_id in scope.jurisdiction_ids
    ) or (
        scope.role == Role.LIAISON
        and enterprise.liaison_assignments.filter(liaison_id=user.pk, ended_at__isnull=True).exists()
    )
    if not allowed:
        raise DomainError(_("只有本街道工作人员或派驻联络员可以记录走访。"), code="forbidden")
    try:
        validate_past_day(visited_on, label=_("走访日期"))
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid") from None
    visit = SurveyVisit(
        enterprise=enterprise, visited_on=visited_on, official=user, observed_status=observed_status,
        notes=notes,
    )
    visit.full_clean()
    visit.save()
    # Keep the denormalised "last visited" used by coverage figures.
    Enterprise.objects.filter(pk=enterprise.pk).exclude(last_visited_on__gte=visited_on).update(
        last_visited_on=visited_on
    )
    audit_record(actor=user, action="survey.record", target=visit, enterprise=enterprise,
                 after=snapshot(visit, ["visited_on", "observed_status", "notes"]))
    return visit
