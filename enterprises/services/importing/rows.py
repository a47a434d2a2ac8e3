"""The rows: the lookups a row is checked against (streets, departments, the user's scope), the validation
of one row, and the loop that validates the rows as the file streams and hands them on in batches."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.scope import scope_for
from org.models import Department, Jurisdiction
from zhifu_reopen.punctuation import list_join
from zhifu_reopen.sheets import Sheet, cell_text, compact, mobile, note_marker, whole_number

from ...choices import CATEGORY_IMPORT_LABELS, SCALE_IMPORT_LABELS, Category, Scale
from ...models import Enterprise
from ...validators import (
    MOBILE_RE,
    credit_code_warning,
    normalise_credit_code,
    validate_credit_code,
    validate_plain_text,
)
from .base import BATCH, HEADERS, MAX_ROWS, REQUIRED, ImportFileError, ImportResult, RowError
from .files import _read_header

MAX_EMPLOYEES = 1_000_000
# The labels as the template has them, the model's own, and the variants registers use (规模以上…).
SCALE_LABELS = {
    **SCALE_IMPORT_LABELS, **{str(label): code for code, label in Scale.choices},
    "规模以上": "large", "规模以上企业": "large", "规上企业": "large", "规模以下": "small",
    "规模以下企业": "small", "规下企业": "small", "九小": "venue", "九小场所企业": "venue",
}
CATEGORY_LABELS = {
    **CATEGORY_IMPORT_LABELS,
    **{str(label): code for code, label in Category.choices},
    **{f"{label}类": code for label, code in CATEGORY_IMPORT_LABELS.items()},
    **{f"{label}企业": code for label, code in CATEGORY_IMPORT_LABELS.items()},
    "防疫物资": "epidemic_supply", "防疫物资生产企业": "epidemic_supply", "民生": "livelihood",
    "楼宇": "office_building", "商务楼宇入驻企业": "office_building", "一般企业": "general",
}
MAX_LENGTHS = {
    f: Enterprise._meta.get_field(f).max_length
    for f in ("name", "address", "legal_representative", "prevention_contact")
}


class _Lookups:
    def __init__(self, user):
        self.jurisdictions = {j.name: j.pk for j in Jurisdiction.objects.all()}
        self.departments = {d.name: d.pk for d in Department.objects.all()}
        self.scope = scope_for(user)

    def may_import_into(self, jurisdiction_id: int) -> bool:
        return self.scope.can_see_jurisdiction(jurisdiction_id)  # a superuser's scope is the district


def _validate_row(number: int, cells: list[str], raw_code, raw_employees, lookups: _Lookups, errors: list,
                  warnings: list):
    """One row → a tuple of clean values, or None (its errors appended)."""
    (name, code, scale, category, street, dept, address, legal, contact, phone, employees) = cells
    before = len(errors)

    def bad(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    def rewritten(column: str, typed: str, value: str) -> None:
        warnings.append(RowError(number, column, _("“%(typed)s”已按“%(value)s”读取，请核对并改正原表。")
                                 % {"typed": typed, "value": value}))

    if code:
        cleaned = compact(code)
        if cleaned.changed:
            rewritten("统一社会信用代码", code, cleaned.text.upper())
        code = cleaned.text
    if phone:
        cleaned = mobile(phone)
        if cleaned.changed:
            rewritten("防疫负责人手机", phone, cleaned.text)
        phone = cleaned.text
    if employees:
        cleaned = whole_number(raw_employees, employees)
        if cleaned.changed:
            rewritten("员工人数", employees, cleaned.text)
        employees = cleaned.text
    scale, category = compact(scale).text, compact(category).text

    for column, value in zip(HEADERS, cells, strict=True):
        if column in REQUIRED and not value:
            bad(column, _("必填项，不能为空。"))
    for column, value, fld in (
        ("企业名称", name, "name"), ("经营地址", address, "address"),
        ("法定代表人", legal, "legal_representative"), ("防疫负责人", contact, "prevention_contact"),
    ):
        if not value:
            continue
        try:
            validate_plain_text(value)  # the same rule as the form and the registry services
        except ValidationError as exc:
            bad(column, exc.messages[0])
        if len(value) > MAX_LENGTHS[fld]:
            bad(column, _("过长：最多%(max)d个字，当前%(n)d个字。") % {"max": MAX_LENGTHS[fld], "n": len(value)})
    if code:
        code = normalise_credit_code(code)
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            message = exc.messages[0]
            if isinstance(raw_code, (int, float)):
                message += _("（该单元格被Excel存成了数字，请把这一列设为“文本”格式后重新填写。）")
            bad("统一社会信用代码", message)
        else:
            warning = credit_code_warning(code)
            if warning:
                warnings.append(RowError(number, "统一社会信用代码", warning))
    scale_code = SCALE_LABELS.get(scale) if scale else None
    if scale and scale_code is None:
        bad("规模", _("“%(value)s”不是有效的规模，应为：规上、规下、九小场所。") % {"value": scale})
    category_code = CATEGORY_LABELS.get(category) if category else None
    if category and category_code is None:
        bad("类别", _("“%(value)s”不是有效的类别，应为：%(choices)s。")
            % {"value": category, "choices": list_join(CATEGORY_IMPORT_LABELS)})
    jurisdiction_id = lookups.jurisdictions.get(street) if street else None
    if street:
        if jurisdiction_id is None:
            bad("所属街道", _("未知的街道/园区“%(value)s”，请填写完整名称，如“向阳街道”。") % {"value": street})
        elif not lookups.may_import_into(jurisdiction_id):
            bad("所属街道", _("“%(value)s”不在您的管辖范围内：只能导入本街道/园区的企业。") % {"value": street})
    department_id = None
    if dept:
        department_id = lookups.departments.get(dept)
        if department_id is None:
            bad("主管部门", _("未知的主管部门“%(value)s”，应为：%(choices)s。")
                % {"value": dept, "choices": list_join(lookups.departments)})
    if phone and not MOBILE_RE.match(phone):
        bad("防疫负责人手机", _("“%(value)s”不是有效的手机号码：应为以1开头的11位数字。") % {"value": phone})
    count = 0
    if employees:
        text = employees.replace(",", "")
        if not text.isdigit():
            bad("员工人数", _("“%(value)s”不是有效的人数：应为不小于0的整数。") % {"value": employees})
        elif int(text) > MAX_EMPLOYEES:
            bad("员工人数", _("员工人数%(value)s超出合理范围。") % {"value": employees})
        else:
            count = int(text)
    if len(errors) > before:
        return None
    return (name, code, scale_code, category_code, jurisdiction_id, department_id, address, legal, contact,
            phone, count)


def _read_rows(sheet: Sheet, lookups: _Lookups, result: ImportResult, progress, put) -> None:
    """Validate the rows as they stream; hand each 2,000 valid rows ([clean tuple, existing id, row
    number]) to ``put``. Notes rows (合计, 填表人…: a marker in the first filled cell and no credit code)
    are skipped, each named in a warning."""
    errors, warnings = result.errors, result.warnings
    rows, index = _read_header(sheet, warnings)
    width = max(index) + 1
    total = sheet.rows_estimate or 0
    seen: dict[str, int] = {}
    pending: list[list] = []
    code_at, employees_at = index[1], index[10]
    for number, raw in rows:
        if len(raw) < width:
            raw = tuple(raw) + ("",) * (width - len(raw))
        cells = [cell_text(raw[i]) for i in index]
        if not cells[1]:  # no credit code: perhaps a notes row (its marker may sit in a column not imported)
            marker = note_marker([cell_text(v) for v in raw])
            if marker:
                warnings.append(RowError(number, "", _("“%(text)s”：合计、填表人、备注等说明行，未作为数据导入。")
                                         % {"text": marker}))
                continue
        if not any(cells):
            result.empty_rows += 1
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise ImportFileError(
                _("数据超过单次导入上限%(limit)d行，请拆分后分批导入。") % {"limit": MAX_ROWS},
                code="too_many_rows", status_code=413,
            )
        before = len(errors)
        clean = _validate_row(number, cells, raw[code_at], raw[employees_at], lookups, errors, warnings)
        code = normalise_credit_code(clean[1] if clean else compact(cells[1]).text)
        if code:
            first = seen.get(code)
            if first is not None:
                errors.append(RowError(number, "统一社会信用代码",
                                       _("与第%(row)d行的统一社会信用代码重复。") % {"row": first}))
            else:
                seen[code] = number
        if clean is not None and len(errors) == before:
            pending.append([clean, None, number])
            if len(pending) >= BATCH:
                put(pending)
                pending = []
        if progress and result.rows % BATCH == 0:
            progress(result.rows, max(total, result.rows))
    if pending:
        put(pending)
    if progress:
        progress(result.rows, result.rows)
    if result.rows == 0:
        raise ImportFileError(
            _("文件只有表头，没有任何数据行（空行%(empty)d行已跳过）。") % {"empty": result.empty_rows},
            code="no_rows",
        )
