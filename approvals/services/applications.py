"""Filing an application: create, edit, materials, the returning-employee roster, submit, withdraw.
All by the street official of the enterprise's jurisdiction."""

from __future__ import annotations

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.validators import validate_mobile
from zhifu_reopen import counters, sheets
from zhifu_reopen.audit import audit_record, changed, snapshot
from zhifu_reopen.counters import counter_next
from zhifu_reopen.date_bounds import validate_coming_day
from zhifu_reopen.errors import DomainError
from zhifu_reopen.pii import blind_index
from zhifu_reopen.punctuation import list_join

from ..models import Application, Decision, Material, ReturningEmployee
from ..rules import require
from ..validators import normalise_id_number, sniff_upload, validate_id_number
from .common import (
    application_lock,
    application_save,
    decision_record,
    require_opinion,
    state_of,
    transition_apply,
)
from .deadlines import priority_for

S = Application.Status
LIVE_STATUSES = (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.RETURNED)
SUBSTANCE_FIELDS = [
    "requested_reopen_on", "returning_headcount", "masks_qty", "thermometers_qty", "disinfectant_litres",
    "online_work", "building_liaison", "building_liaison_mobile",
]
REQUIRED_MATERIALS = [k for k, _label in Material.Kind.choices]


def _first_message(exc: ValidationError) -> str:
    return exc.messages[0] if exc.messages else str(exc)


def _check_fields(enterprise: Enterprise, data: dict, *, stored_reopen_on: date | None = None) -> list[str]:
    errors = []
    if data.get("online_work"):
        if enterprise.category != "office_building":
            errors.append(_("只有商务楼宇类企业可以申请线上复工。"))
        if not (data.get("building_liaison") or "").strip():
            errors.append(_("线上复工须填写楼宇联络员。"))
        try:
            validate_mobile(data.get("building_liaison_mobile") or "")
        except ValidationError as exc:
            errors.append(_("楼宇联络员手机：%(e)s") % {"e": _first_message(exc)})
    reopen_on = data.get("requested_reopen_on")
    if not isinstance(reopen_on, date):
        errors.append(_("请填写拟复工日期。"))
    elif reopen_on != stored_reopen_on:  # a day stored earlier may have passed since
        try:
            validate_coming_day(reopen_on, label=_("拟复工日期"))
        except ValidationError as exc:
            errors.extend(exc.messages)
    headcount = data.get("returning_headcount")
    if not isinstance(headcount, int) or headcount < 1:
        errors.append(_("返岗人数至少为1人。"))
    elif enterprise.employee_count and headcount > enterprise.employee_count:
        errors.append(
            _("返岗人数（%(n)d人）不能超过企业登记的员工人数（%(m)d人）。")
            % {"n": headcount, "m": enterprise.employee_count}
        )
    return errors


def _clean_data(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k in SUBSTANCE_FIELDS}
    if not data.get("online_work"):
        data["online_work"] = False
        data["building_liaison"] = ""
        data["building_liaison_mobile"] = ""
    return data


@transaction.atomic
def application_create(*, user, enterprise: Enterprise, data: dict) -> Application:
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    application = Application(
        enterprise=enterprise, jurisdiction_id=enterprise.jurisdiction_id, department_id=enterprise.department_id,
        filed_by=user, category=enterprise.category, priority=priority_for(enterprise.category),
        chain=Application.Chain.THREE_PARTY if enterprise.scale == "large" else Application.Chain.DUAL_SIGNATURE,
    )
    require(user, "create", application)
    live = enterprise.applications.filter(status__in=LIVE_STATUSES).first()
    if live is not None:
        raise DomainError(
            _("该企业已有未办结的复工申请（%(status)s），请在原申请上继续办理。")
            % {"status": live.get_status_display()},
            code="duplicate",
        )
    data = _clean_data(data)
    errors = _check_fields(enterprise, data)
    if errors:
        raise DomainError(_("申请信息有误，请修改："), messages=errors, code="invalid")
    for key, value in data.items():
        setattr(application, key, value)
    application.full_clean(exclude=["filed_by"])
    application.save()
    audit_record(actor=user, action="application.create", target=application, enterprise=enterprise,
                 after=snapshot(application, ["chain", "status", *SUBSTANCE_FIELDS]))
    return application


def _reopen_if_approved(application: Application, *, user, reason: str) -> None:
    """A change of substance after approval sends the application back to the street review."""
    if application.status != S.APPROVED:
        return
    verdict = require(user, "reopen", application)
    before = state_of(application)
    transition_apply(application, verdict)
    application.iteration += 1
    application.submitted_at = timezone.now()
    application.decided_at = None
    application_save(application, actor=user, action="application.reopen", before=before, reason=reason)
    decision_record(application=application, kind=Decision.Kind.FILING, outcome=Decision.Outcome.REOPENED,
                    actor=user, opinion=reason)


@transaction.atomic
def application_update(*, user, application: Application, data: dict, reason: str = "") -> Application:
    application = application_lock(application)
    require(user, "edit", application)
    data = _clean_data(data)
    errors = _check_fields(application.enterprise, data, stored_reopen_on=application.requested_reopen_on)
    if errors:
        raise DomainError(_("申请信息有误，请修改："), messages=errors, code="invalid")
    before = snapshot(application, SUBSTANCE_FIELDS)
    for key, value in data.items():
        setattr(application, key, value)
    old, new = changed(before, snapshot(application, SUBSTANCE_FIELDS))
    if not new:
        return application
    if application.status == S.APPROVED and not reason.strip():
        raise DomainError(_("已通过的申请变更内容须说明变更理由，变更后将重新审核。"), code="reason_required")
    application.full_clean(exclude=["enterprise", "filed_by", "jurisdiction", "department"])
    application.save()
    audit_record(actor=user, action="application.update", target=application, enterprise=application.enterprise,
                 before=old, after=new, reason=reason)
    _reopen_if_approved(application, user=user, reason=reason.strip())
    return application


@transaction.atomic
def material_upload(*, user, application: Application, kind: str, upload, reason: str = "") -> Material:
    application = application_lock(application)
    require(user, "edit", application)
    if kind not in REQUIRED_MATERIALS:
        raise DomainError(_("未知的材料类型。"), code="invalid")
    if application.status == S.APPROVED and not reason.strip():
        raise DomainError(_("已通过的申请更换材料须说明理由，更换后将重新审核。"), code="reason_required")
    try:
        content_type, extension = sniff_upload(upload)
    except ValidationError as exc:
        raise DomainError(_("材料未上传：%(e)s") % {"e": _first_message(exc)}, code="bad_file") from None
    previous = application.materials.filter(kind=kind, is_current=True).first()
    if previous is not None:
        Material.objects.filter(pk=previous.pk).update(is_current=False)
    material = Material(
        application=application, kind=kind, original_name=(upload.name or "")[-200:] or kind,
        content_type=content_type, extension=extension, uploaded_token=secrets.token_hex(8), size=upload.size,
        uploaded_by=user, iteration=application.iteration,
    )
    material.file.save("upload", upload, save=False)
    material.save()
    audit_record(actor=user, action="material.upload", target=application, enterprise=application.enterprise,
                 after={"kind": kind, "name": material.original_name, "size": material.size,
                        "replaces": previous.pk if previous else None})
    _reopen_if_approved(application, user=user, reason=reason.strip())
    return material


# --- roster ------------------------------------------------------------------------------------------

EMPLOYEE_FIELDS = ["name", "id_number", "mobile", "residence", "travel_history", "health_status"]
HEALTH_LABELS = {str(label): code for code, label in ReturningEmployee.Health.choices} | {
    code: code for code in ReturningEmployee.Health.values
} | {"正常": "healthy", "良好": "healthy"}


def _existing_ids(application: Application) -> set[str]:
    """The blind indexes of the roster's ID numbers: duplicates are found without decrypting anything."""
    return set(application.employees.values_list("id_index", flat=True))


def _employee_errors(row: dict, existing_ids: set[str]) -> list[str]:
    errors = []
    if not (row.get("name") or "").strip():
        errors.append(_("姓名不能为空"))
    try:
        validate_id_number(row.get("id_number") or "")
    except ValidationError as exc:
        errors.append(_first_message(exc))
    else:
        if blind_index(row["id_number"]) in existing_ids:
            errors.append(_("身份证号与名单中的其他人员重复"))
    try:
        validate_mobile(row.get("mobile") or "")
    except ValidationError as exc:
        errors.append(_first_message(exc))
    if not (row.get("residence") or "").strip():
        errors.append(_("现居住地不能为空"))
    if row.get("health_status") not in ReturningEmployee.Health.values:
        errors.append(_("健康状况应为：健康、隔离期满、正在隔离、有发热等症状"))
    return errors


def _employee_build(application: Application, row: dict) -> ReturningEmployee:
    return ReturningEmployee(
        application=application, name=row["name"].strip()[:50], id_number=normalise_id_number(row["id_number"]),
        mobile=row["mobile"].strip(), residence=row["residence"].strip()[:200],
        travel_history=(row.get("travel_history") or "").strip()[:300], health_status=row["health_status"],
    )


def _roster_changed(application: Application, *, user, action: str, count: int, reason: str) -> None:
    # Counts only: personal data never goes to the audit trail or the logs.
    audit_record(actor=user, action=action, target=application, enterprise=application.enterprise,
                 after={"employees": count, "roster_size": application.employees.count()})
    _reopen_if_approved(application, user=user, reason=reason.strip())


@transaction.atomic
def employee_add(*, user, application: Application, data: dict, reason: str = "") -> ReturningEmployee:
    application = application_lock(application)
    require(user, "edit", application)
    if application.status == S.APPROVED and not reason.strip():
        raise DomainError(_("已通过的申请变更花名册须说明理由，变更后将重新审核。"), code="reason_required")
    row = {k: (str(data.get(k) or "")).strip() for k in EMPLOYEE_FIELDS}
    row["health_status"] = HEALTH_LABELS.get(row["health_status"], row["health_status"])
    existing = _existing_ids(application)
    errors = _employee_errors(row, existing)
    if errors:
        raise DomainError(_("返岗员工信息有误："), messages=errors, code="invalid")
    employee = _employee_build(application, row)
    employee.full_clean(exclude=["application"])
    employee.save()
    _roster_changed(application, user=user, action="roster.add", count=1, reason=reason)
    return employee


@transaction.atomic
def employee_remove(*, user, application: Application, employee_id: int, reason: str = "") -> None:
    application = application_lock(application)
    require(user, "edit", application)
    if application.status == S.APPROVED and not reason.strip():
        raise DomainError(_("已通过的申请变更花名册须说明理由，变更后将重新审核。"), code="reason_required")
    deleted, _detail = application.employees.filter(pk=employee_id).delete()
    if not deleted:
        raise DomainError(_("名单中没有该人员。"), code="not_found")
    _roster_changed(application, user=user, action="roster.remove", count=1, reason=reason)


ROSTER_HEADERS = ["姓名", "身份证号", "手机", "现居住地", "14天内行程", "健康状况"]
# Other names the firms' own rosters give the columns.
ROSTER_ALIASES = {
    "姓名": ("员工姓名", "职工姓名", "人员姓名"),
    "身份证号": ("身份证号码", "公民身份号码", "身份证", "证件号码"),
    "手机": ("手机号", "手机号码", "联系电话", "联系方式", "电话"),
    "现居住地": ("居住地", "现住址", "住址", "居住地址", "现居住地址", "现住地址"),
    "14天内行程": ("行程", "近14天行程", "14天行程", "旅居史", "近14天旅居史", "14天内旅居史"),
    "健康状况": ("健康状态", "身体状况"),
}
ROSTER_KEYS = {sheets.header_key(h): h for h in ROSTER_HEADERS} | {
    sheets.header_key(alias): header for header, aliases in ROSTER_ALIASES.items() for alias in aliases
}
MAX_ROSTER_ROWS = 5000
ROSTER_MAX_BYTES = 5 * 1024 * 1024
ROSTER_MAX_UNCOMPRESSED = 64 * 1024 * 1024  # 5,000 rows of six columns expand to a few MB


def _roster_header(header: sheets.Header | None) -> list[int | None]:
    """The column of each EMPLOYEE_FIELDS entry (None for the optional 14天内行程 / 健康状况 when absent)."""
    positions: dict[str, int] = {}
    for index, key in enumerate(header.keys if header else []):
        name = ROSTER_KEYS.get(key)
        if name is not None and name not in positions:
            positions[name] = index
    missing = [h for h in ROSTER_HEADERS[:4] if h not in positions]
    if missing:
        raise DomainError(
            _("花名册表头应为：%(h)s（在前%(n)d行中没有找到：%(missing)s）")
            % {"h": "、".join(ROSTER_HEADERS), "n": sheets.HEADER_SEARCH_ROWS, "missing": list_join(missing)},
            code="bad_header")
    return [positions.get(h) for h in ROSTER_HEADERS]


def roster_rows(upload) -> list[tuple[int, dict]]:
    """(row number in the spreadsheet, fields) of every person on an uploaded roster (.xlsx, .xls, .ods
    or .csv; the header anywhere in the first rows; notes rows such as 合计 or 填表人 skipped). Refused
    before parsing: a bomb, a file that is no table."""
    try:
        sheet = sheets.open_sheet(upload, upload.name, max_rows=MAX_ROSTER_ROWS + sheets.HEADER_SEARCH_ROWS,
                                  max_bytes=ROSTER_MAX_BYTES, max_uncompressed=ROSTER_MAX_UNCOMPRESSED)
    except sheets.SheetRefused as exc:
        raise sheets.SheetRefused(_("花名册未导入：%(e)s") % {"e": exc.message},
                                  code=exc.code if exc.status_code == 413 else "bad_file",
                                  status_code=exc.status_code) from None
    try:
        header, rows = sheets.find_header(sheets.numbered(sheet.rows), lambda keys: sum(k in ROSTER_KEYS for k in keys))
        columns = _roster_header(header)
        result = []
        for number, values in rows:
            texts = [sheets.cell_text(v) for v in values]
            cells = ["" if i is None or i >= len(texts) else texts[i] for i in columns]
            if not any(cells) or (not cells[1] and sheets.note_marker(texts)):
                continue
            fields = dict(zip(EMPLOYEE_FIELDS, cells, strict=True))
            id_cell = values[columns[1]] if columns[1] < len(values) else ""
            if isinstance(id_cell, float):  # Excel kept only 15 digits of it: the number cannot be recovered
                fields["id_number_as_number"] = "1"
            fields["id_number"] = sheets.compact(fields["id_number"]).text
            fields["mobile"] = sheets.mobile(fields["mobile"]).text
            result.append((number, fields))
            if len(result) > MAX_ROSTER_ROWS:
                raise DomainError(_("花名册超过%(n)d行，请分批导入。") % {"n": MAX_ROSTER_ROWS}, code="too_many")
    finally:
        sheet.close()
    if not result:
        raise DomainError(_("花名册中没有人员。"), code="empty")
    return result


@transaction.atomic
def roster_import(*, user, application: Application, upload, reason: str = "") -> int:
    """Append every row of the workbook, or none: every bad row is listed at once (一次性告知)."""
    application = application_lock(application)
    require(user, "edit", application)
    if application.status == S.APPROVED and not reason.strip():
        raise DomainError(_("已通过的申请变更花名册须说明理由，变更后将重新审核。"), code="reason_required")
    rows = roster_rows(upload)
    existing = _existing_ids(application)
    problems, employees = [], []
    for line, row in rows:
        health = sheets.compact(row["health_status"]).text
        row["health_status"] = HEALTH_LABELS.get(health, health or "healthy")
        errors = _employee_errors(row, existing)
        if row.pop("id_number_as_number", None) and errors:
            errors.append(_("身份证号被Excel存成了数字，后几位已丢失：请把这一列设为“文本”格式后重新填写。"))
        if errors:
            problems.append(_("第%(line)d行：%(e)s") % {"line": line, "e": "；".join(errors)})
            continue
        existing.add(blind_index(row["id_number"]))
        employees.append(_employee_build(application, row))
    if problems:
        raise DomainError(_("花名册有%(n)d行需要修改，未导入任何人员：") % {"n": len(problems)},
                          messages=problems[:200], code="invalid")
    ReturningEmployee.objects.bulk_create(employees)
    _roster_changed(application, user=user, action="roster.import", count=len(employees), reason=reason)
    return len(employees)


# --- submit, withdraw ---------------------------------------------------------------------------------

def submission_problems(application: Application) -> list[str]:
    """Everything still missing or wrong, all at once."""
    problems = []
    current = {m.kind: m for m in application.materials.filter(is_current=True)}
    for kind, label in Material.Kind.choices:
        material = current.get(kind)
        if material is None:
            problems.append(_("缺少材料：%(m)s") % {"m": label})
        elif material.verdict == Material.Verdict.REVISION:
            problems.append(_("材料“%(m)s”需修改后重新上传：%(r)s") % {"m": label, "r": material.verdict_reason})
    supplies = [
        (application.masks_qty, _("口罩")), (application.thermometers_qty, _("体温计")),
        (application.disinfectant_litres, _("消毒液")),
    ]
    for qty, label in supplies:
        if not qty:
            problems.append(_("防疫物资清单未填写%(s)s数量") % {"s": label})
    employees = list(application.employees.only("name", "health_status"))
    if not employees:
        problems.append(_("返岗员工花名册为空"))
    elif len(employees) != application.returning_headcount:
        problems.append(
            _("返岗人数为%(n)d人，花名册中有%(m)d人，两者应一致")
            % {"n": application.returning_headcount, "m": len(employees)}
        )
    unfit = [e for e in employees if e.health_status not in ReturningEmployee.FIT]
    if unfit:
        problems.append(
            _("花名册中有%(n)d人正在隔离或有症状，不得返岗：%(names)s")
            % {"n": len(unfit), "names": list_join(e.name_masked for e in unfit[:10])}
        )
    if application.chain == Application.Chain.THREE_PARTY and not application.department_id:
        problems.append(_("规上企业须登记主管部门后才能进入三方联审"))
    if application.online_work and not application.building_liaison:
        problems.append(_("线上复工须填写楼宇联络员"))
    return problems


def _next_number(now) -> str:
    return f"ZF{now.year}{counter_next(counters.APPLICATION, now.year):06d}"


@transaction.atomic
def application_submit(*, user, application: Application) -> Application:
    application = application_lock(application)
    verdict = require(user, "submit", application)
    before = state_of(application)
    was = application.status
    problems = submission_problems(application)
    if problems:
        raise DomainError(_("还不能提交，请先补齐以下内容："), messages=problems, code="incomplete")
    now = timezone.now()
    if not application.number:
        application.number = _next_number(now)
    application.iteration += 1
    application.submitted_at = now
    application.decided_at = None
    transition_apply(application, verdict, now=now)
    application_save(application, actor=user, action="application.submit", before=before)
    decision_record(
        application=application, kind=Decision.Kind.FILING, actor=user,
        outcome=Decision.Outcome.RESUBMITTED if was == S.RETURNED else Decision.Outcome.SUBMITTED,
    )
    return application


@transaction.atomic
def application_withdraw(*, user, application: Application, reason: str) -> Application:
    application = application_lock(application)
    verdict = require(user, "withdraw", application)
    reason = require_opinion(reason)
    before = state_of(application)
    transition_apply(application, verdict)
    application.decided_at = timezone.now()
    application_save(application, actor=user, action="application.withdraw", before=before, reason=reason)
    decision_record(application=application, kind=Decision.Kind.WITHDRAWAL, outcome=Decision.Outcome.WITHDRAWN,
                    actor=user, opinion=reason)
    return application
