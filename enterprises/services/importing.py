"""Import of firms from ``.xlsx`` and ``.csv`` files (issue 2 §7).

Policy: **the whole file or nothing.** Every row is validated first; if any row is rejected nothing is
written and the result lists every rejected row (row number, column, reason in Chinese). Otherwise all rows
are written in one transaction (``bulk_create`` / ``bulk_update`` in batches of 2,000), with one summary
audit entry (``enterprise.import``) and one ``enterprise.create`` / ``enterprise.update`` entry per firm
so each firm's history says where it came from.

An existing credit code is either updated (mode ``update``) or reported as an error (mode ``report``).
A street official imports only firms of their own jurisdictions. Problems with the file itself (type,
headers, size, row count) raise :class:`ImportFileError` before anything is read further.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import queue
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import scope_for
from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

from ..choices import CATEGORY_IMPORT_LABELS, SCALE_IMPORT_LABELS, Category, Scale
from ..models import Department, Enterprise, Jurisdiction
from ..validators import (
    MOBILE_RE,
    credit_code_warning,
    make_credit_code,
    normalise_credit_code,
    validate_credit_code,
)

# The template's columns, in order: (header, field).
COLUMNS = [
    ("企业名称", "name"),
    ("统一社会信用代码", "credit_code"),
    ("规模", "scale"),
    ("类别", "category"),
    ("所属街道", "jurisdiction"),
    ("主管部门", "department"),
    ("经营地址", "address"),
    ("法定代表人", "legal_representative"),
    ("防疫负责人", "prevention_contact"),
    ("防疫负责人手机", "prevention_mobile"),
    ("员工人数", "employee_count"),
]
HEADERS = [h for h, _f in COLUMNS]
IMPORT_ATTNAMES = ("name", "credit_code", "scale", "category", "jurisdiction_id", "department_id", "address",
                   "legal_representative", "prevention_contact", "prevention_mobile", "employee_count")
REQUIRED = {"企业名称", "统一社会信用代码", "规模", "类别", "所属街道", "经营地址"}
# Extra columns of our own export (so an exported list can be edited and imported again): ignored.
IGNORED_HEADERS = ["经营状态", "社区", "网格", "产值超1亿元", "最近走访", "登记时间"]
EXAMPLE_ROW = [
    "烟台示例商贸有限公司", make_credit_code("370602", 12345678), "规下", "一般", "向阳街道", "商务局",
    "烟台市芝罘区南大街1号", "王伟", "李娜", "13800138000", 20,
]

MODE_REPORT = "report"
MODE_UPDATE = "update"
MODES = (MODE_REPORT, MODE_UPDATE)
BATCH = 2000
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 500_000)
MAX_EMPLOYEES = 1_000_000
# Fields an import writes; on update, community and grid are cleared when the street changes.
UPDATE_FIELDS = [f for _h, f in COLUMNS if f != "credit_code"]
MARKUP_RE = re.compile(r"[<>]")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SCALE_LABELS = {**SCALE_IMPORT_LABELS, **{str(label): code for code, label in Scale.choices}}
CATEGORY_LABELS = {
    **CATEGORY_IMPORT_LABELS,
    **{str(label): code for code, label in Category.choices},
    **{f"{label}类": code for label, code in CATEGORY_IMPORT_LABELS.items()},
}
MAX_LENGTHS = {
    f: Enterprise._meta.get_field(f).max_length
    for f in ("name", "address", "legal_representative", "prevention_contact")
}


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (type, size, headers, row count). Nothing was read into
    the database. ``status_code`` is 413 for an oversized file, 400 otherwise."""

    def __init__(self, message, *, code: str = "bad_file", status_code: int = 400):
        super().__init__(message, code=code)
        self.status_code = status_code


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class FileInfo:
    kind: str  # "xlsx" | "csv"
    rows_estimate: int | None  # data rows (without the header); None when the file does not say


@dataclass
class ImportResult:
    filename: str
    mode: str
    dry_run: bool
    rows: int = 0  # data rows read (not counting empty rows)
    empty_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def summary(self) -> str:
        counts = {
            "rows": self.rows, "empty": self.empty_rows, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "rejected": self.rejected_rows, "warnings": len(self.warnings),
        }
        if self.errors:
            return _(
                "未导入：共读取%(rows)d行，其中%(rejected)d行有误（见下表），整个文件未写入任何数据。"
                "请改正后重新导入。跳过空行%(empty)d行。"
            ) % counts
        if self.dry_run:
            return _(
                "试导入通过（未写入）：共%(rows)d行，将新增%(created)d家、更新%(updated)d家、"
                "无变化%(unchanged)d家；跳过空行%(empty)d行；提示%(warnings)d条。"
            ) % counts
        return _(
            "导入完成：共%(rows)d行，新增%(created)d家、更新%(updated)d家、无变化%(unchanged)d家；"
            "跳过空行%(empty)d行；提示%(warnings)d条。"
        ) % counts

    def counts(self) -> dict:
        return {
            "rows": self.rows, "empty_rows": self.empty_rows, "created": self.created,
            "updated": self.updated, "unchanged": self.unchanged, "rejected_rows": self.rejected_rows,
            "errors": len(self.errors), "warnings": len(self.warnings),
        }

    def as_dict(self, max_errors: int | None = None) -> dict:
        errors = self.errors if max_errors is None else self.errors[:max_errors]
        return {
            "summary": self.summary, "ok": self.ok, "dry_run": self.dry_run, "mode": self.mode,
            "filename": self.filename, "counts": self.counts(),
            "errors": [e.as_dict() for e in errors], "errors_total": len(self.errors),
            "warnings": [w.as_dict() for w in self.warnings[: max_errors or len(self.warnings)]],
        }


# ---------------------------------------------------------------------------------------------- file


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(position)
    return size


def _seekable(file):
    """openpyxl needs a seekable file; storages may hand out streams."""
    try:
        if file.seekable():
            file.seek(0)
            return file
    except (AttributeError, OSError):
        pass
    copy = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned)
    shutil.copyfileobj(file, copy)
    copy.seek(0)
    return copy


def _sniff(head: bytes) -> str:
    """What the content is, whatever the file is called."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # .xls (Excel 97–2003), .doc, .et …
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        return "executable"
    import filetype

    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime.split("/")[0] if kind.mime.split("/")[0] in ("image", "video", "audio") else "binary"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    if b"\x00" in head:
        return "binary"
    return "text"


def _check_file(file, filename: str) -> tuple[object, str]:
    """Refuse what cannot be an import file; return the (seekable) file and its kind."""
    ext = PurePath(filename or "").suffix.lower()
    if ext not in (".xlsx", ".csv"):
        if ext == ".xls":
            raise ImportFileError(_("不支持旧版Excel（.xls）文件，请在Excel中“另存为”.xlsx格式后再导入。"),
                                  code="xls")
        raise ImportFileError(
            _("文件类型不支持：只能导入 .xlsx 或 .csv 文件（当前文件：%(name)s）。") % {"name": filename},
            code="file_type",
        )
    size = _size(file)
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("文件过大：%(size).1f MB，单次导入上限为 %(limit).1f MB，请拆分后分批导入。")
            % {"size": size / 1048576, "limit": settings.IMPORT_MAX_BYTES / 1048576},
            code="too_large", status_code=413,
        )
    if size == 0:
        raise ImportFileError(_("文件是空的，没有任何内容。"), code="empty")
    file = _seekable(file)
    head = file.read(4096)
    file.seek(0)
    content = _sniff(head)
    if content == "ole":
        raise ImportFileError(
            _("该文件是旧版Excel（.xls）或其他Office文件，不是 .xlsx。请在Excel中“另存为”.xlsx格式后再导入。"),
            code="xls",
        )
    if content == "utf16":
        raise ImportFileError(
            _("CSV文件是UTF-16（Unicode文本）编码，请另存为“CSV UTF-8”或GB18030（GBK）编码的CSV。"),
            code="encoding",
        )
    if content in ("executable", "image", "video", "audio", "binary"):
        raise ImportFileError(
            _("文件内容不是Excel表格或CSV文本（可能是程序、图片或其他文件改了扩展名），请使用导入模板。"),
            code="file_type",
        )
    if ext == ".xlsx":
        if content != "zip":
            raise ImportFileError(
                _("文件扩展名是 .xlsx，但内容不是Excel工作簿，请使用导入模板重新保存。"), code="file_type"
            )
        return file, "xlsx"
    if content == "zip":
        raise ImportFileError(
            _("文件扩展名是 .csv，但内容是压缩文件或Excel工作簿；Excel文件请以 .xlsx 扩展名上传。"),
            code="file_type",
        )
    return file, "csv"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("CSV文件编码无法识别：请保存为UTF-8或GB18030（GBK）编码。"), code="encoding")


class _Reader:
    """Rows of the first worksheet (xlsx) or of the CSV text, as tuples of raw values."""

    def __init__(self, file, kind: str):
        self.kind = kind
        self.workbook = None
        if kind == "xlsx":
            import openpyxl
            from openpyxl.utils.exceptions import InvalidFileException

            try:
                self.workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
            except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
                raise ImportFileError(
                    _("无法读取该 .xlsx 文件：文件已损坏或不是Excel工作簿，请使用导入模板重新保存。"),
                    code="file_type",
                ) from exc
            if not self.workbook.worksheets:
                raise ImportFileError(_("工作簿里没有工作表。"), code="empty")
            self.sheet = self.workbook.worksheets[0]
            self.rows_estimate = self._xlsx_rows()
        else:
            text = _decode(file.read())
            self.text = text
            lines = max(text.count("\n"), text.count("\r"))
            self.rows_estimate = max(lines + (0 if text.endswith(("\n", "\r")) else 1) - 1, 0)

    def _xlsx_rows(self) -> int | None:
        try:
            max_row = self.sheet.max_row
        except (ValueError, TypeError):
            return None
        return None if max_row is None else max(max_row - 1, 0)

    def __iter__(self) -> Iterator[tuple]:
        if self.kind == "xlsx":
            try:
                yield from self.sheet.iter_rows(values_only=True)
            except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
                raise ImportFileError(_("读取 .xlsx 文件时出错：文件可能已损坏。"), code="file_type") from exc
        else:
            try:
                yield from (tuple(r) for r in csv.reader(io.StringIO(self.text, newline="")))
            except csv.Error as exc:
                raise ImportFileError(
                    _("CSV文件格式有误：%(error)s") % {"error": str(exc)}, code="file_type"
                ) from exc

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_map(header_row: tuple) -> list[int]:
    """Column index per COLUMNS entry; refuses wrong or missing headers, saying which."""
    names = [_cell_text(v).lstrip("\ufeff").rstrip("*＊ ").strip() for v in header_row]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise ImportFileError(
            _("第1行（表头）是空的。第1行应为：%(headers)s。") % {"headers": "、".join(HEADERS)},
            code="headers",
        )
    positions: dict[str, int] = {}
    duplicates, unknown = [], []
    for index, name in enumerate(names):
        if name in positions:
            duplicates.append(name)
        elif name in HEADERS:
            positions[name] = index
        elif name and name not in IGNORED_HEADERS:
            unknown.append(name)
        elif not name:
            unknown.append(_("（第%(n)d列为空）") % {"n": index + 1})
    missing = [h for h in HEADERS if h not in positions]
    problems = []
    if missing:
        problems.append(_("缺少列：%(cols)s") % {"cols": "、".join(missing)})
    if unknown:
        problems.append(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown)})
    if duplicates:
        problems.append(_("重复的列：%(cols)s") % {"cols": "、".join(duplicates)})
    if problems:
        raise ImportFileError(
            _("表头不正确（%(problems)s）。第1行应为：%(headers)s。请下载导入模板对照。")
            % {"problems": "；".join(problems), "headers": "、".join(HEADERS)},
            code="headers",
        )
    return [positions[h] for h in HEADERS]


def import_inspect(file, filename: str) -> FileInfo:
    """Check type, size and headers without importing; the page uses it to choose inline or a job."""
    file, kind = _check_file(file, filename)
    reader = _Reader(file, kind)
    try:
        rows = iter(reader)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(_("文件是空的：没有表头，也没有数据。"), code="empty")
        _header_map(header)
        estimate = reader.rows_estimate
        if estimate is not None and estimate > MAX_ROWS:
            raise ImportFileError(
                _("文件约有%(rows)d行，超过单次导入上限%(limit)d行，请拆分后分批导入。")
                % {"rows": estimate, "limit": MAX_ROWS},
                code="too_many_rows", status_code=413,
            )
        return FileInfo(kind=kind, rows_estimate=estimate)
    finally:
        reader.close()
        file.seek(0)


# ---------------------------------------------------------------------------------------------- rows


class _Lookups:
    def __init__(self, user):
        self.jurisdictions = {j.name: j.pk for j in Jurisdiction.objects.all()}
        self.jurisdiction_names = {pk: name for name, pk in self.jurisdictions.items()}
        self.departments = {d.name: d.pk for d in Department.objects.all()}
        scope = scope_for(user)
        self.everywhere = user.is_superuser or scope.district
        self.allowed = set(scope.jurisdiction_ids)

    def may_import_into(self, jurisdiction_id: int) -> bool:
        return self.everywhere or jurisdiction_id in self.allowed


def _require_importer(user) -> None:
    if user is None or not user.is_active:
        raise DomainError(_("需要登录后才能导入。"), code="forbidden")
    if user.is_superuser:
        return
    scope = scope_for(user)
    if scope.role != Role.STREET_STAFF or not scope.jurisdiction_ids:
        raise DomainError(_("只有街道/园区工作人员可以导入本辖区企业。"), code="forbidden")


def _validate_row(number: int, cells: list[str], raw_code, lookups: _Lookups, errors: list, warnings: list):
    """One row → a tuple of clean values, or None (its errors appended)."""
    (name, code, scale, category, street, dept, address, legal, contact, mobile, employees) = cells
    before = len(errors)

    def bad(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    for column, value in zip(HEADERS, cells, strict=True):
        if column in REQUIRED and not value:
            bad(column, _("必填项，不能为空。"))
    for column, value, fld in (
        ("企业名称", name, "name"), ("经营地址", address, "address"),
        ("法定代表人", legal, "legal_representative"), ("防疫负责人", contact, "prevention_contact"),
    ):
        if not value:
            continue
        if MARKUP_RE.search(value):
            bad(column, _("不能包含“<”“>”等HTML/脚本标记字符。"))
        elif CONTROL_RE.search(value):
            bad(column, _("含有不可见的控制字符，请删除后重试。"))
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
            % {"value": category, "choices": "、".join(CATEGORY_IMPORT_LABELS)})
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
                % {"value": dept, "choices": "、".join(lookups.departments)})
    if mobile and not MOBILE_RE.match(mobile):
        bad("防疫负责人手机", _("“%(value)s”不是有效的手机号码：应为以1开头的11位数字。") % {"value": mobile})
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
            mobile, count)


def _values(row: tuple) -> dict:
    return dict(zip(IMPORT_ATTNAMES, row, strict=True))


# ---------------------------------------------------------------------------------------------- import


def enterprise_import(
    *, user, file, filename: str, mode: str = MODE_REPORT, dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None, job=None,
) -> ImportResult:
    """Validate every row of ``file`` and write them all in one transaction, committed only when no row
    is rejected and it is not a dry run (a dry run does the same work and rolls it back, so its counts
    are exact). Raises ImportFileError for a file that cannot be read at all, DomainError when the user
    may not import. ``progress(done, total)`` is called every 2,000 rows; ``job`` (optional) is the
    background job the summary audit entry points at.

    Rows are validated as the file streams; every 2,000 valid rows are checked against the registry and
    written. On PostgreSQL, outside a surrounding transaction, a writer thread with its own connection
    does that while the next rows are parsed, so the database works while Python reads the file."""
    if mode not in MODES:
        raise DomainError(_("未知的导入方式。"), code="mode")
    _require_importer(user)
    file, kind = _check_file(file, filename)
    reader = _Reader(file, kind)
    result = ImportResult(filename=filename, mode=mode, dry_run=dry_run)
    lookups = _Lookups(user)
    writer = _Writer(user=user, result=result, job=job, lookups=lookups)
    threaded = (connection.vendor == "postgresql" and not connection.in_atomic_block
                and getattr(settings, "IMPORT_WRITER_THREAD", True))
    runner = _ThreadRunner(writer) if threaded else _InlineRunner(writer)
    try:
        _run(runner, reader, lookups, result, progress, writer)
    except IntegrityError as exc:
        raise DomainError(
            _("导入时发现有企业刚被他人登记（统一社会信用代码重复），本次导入已全部撤销，请重新导入。"),
            code="conflict",
        ) from exc
    return result


def _run(runner, reader: _Reader, lookups: _Lookups, result: ImportResult, progress, writer) -> None:
    runner.start()
    try:
        _read_rows(reader, lookups, result, progress, runner.put)
        runner.drain()
    except BaseException:
        runner.stop(commit=False)
        raise
    finally:
        reader.close()
    result.errors.extend(writer.errors)
    result.errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 99))
    commit = not result.errors and not result.dry_run
    if result.errors:
        writer.created = writer.updated = writer.unchanged = 0
    result.created, result.updated, result.unchanged = writer.created, writer.updated, writer.unchanged
    runner.stop(commit=commit)
    result.written = commit


def _read_rows(reader: _Reader, lookups: _Lookups, result: ImportResult, progress, put) -> None:
    """Validate the rows as they stream; hand each 2,000 valid rows ([clean tuple, existing id, row
    number]) to ``put``."""
    rows = iter(reader)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("文件是空的：没有表头，也没有数据。"), code="empty")
    index = _header_map(header)
    width = max(index) + 1
    total = reader.rows_estimate or 0
    if total > MAX_ROWS:
        raise ImportFileError(
            _("文件约有%(rows)d行，超过单次导入上限%(limit)d行，请拆分后分批导入。")
            % {"rows": total, "limit": MAX_ROWS}, code="too_many_rows", status_code=413,
        )
    seen: dict[str, int] = {}
    pending: list[list] = []
    errors, warnings = result.errors, result.warnings
    number = 1
    for raw in rows:
        number += 1
        if len(raw) < width:
            raw = tuple(raw) + (None,) * (width - len(raw))
        cells = [_cell_text(raw[i]) for i in index]
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
        clean = _validate_row(number, cells, raw[index[1]], lookups, errors, warnings)
        code = normalise_credit_code(cells[1])
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


class _Writer:
    """Checks each batch against the registry (registered codes: an error, or an update in mode
    "update") and writes it, all in one transaction. Once any row is rejected it stops writing but keeps
    checking, so every problem is reported at once (一次性告知); the transaction is then rolled back."""

    def __init__(self, *, user, result: ImportResult, job, lookups: _Lookups):
        self.user, self.result, self.job, self.lookups = user, result, job, lookups
        self.mode = result.mode
        self.errors: list[RowError] = []
        self.created = self.updated = self.unchanged = 0
        self.reason = _("批量导入：%(name)s") % {"name": result.filename}
        self.post = user.post_label()[:120] if user.pk else ""
        self.now = timezone.now()
        self._atomic = None

    @property
    def failed(self) -> bool:
        return bool(self.errors) or bool(self.result.errors)

    def open(self) -> None:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def batch(self, entries: list[list]) -> None:
        self._check_existing(entries)
        if self.failed:
            return
        creates = [e for e in entries if e[1] is None]
        if creates:
            ids = _insert_firms([e[0] for e in creates], self.now)
            _audit_created(ids, creates, user=self.user, post=self.post, reason=self.reason, now=self.now)
            self.created += len(ids)
        updates = [e for e in entries if e[1] is not None]
        if updates:
            self._update(updates)

    def _check_existing(self, entries: list[list]) -> None:
        by_code = {e[0][1]: e for e in entries}
        registered = Enterprise.objects.filter(credit_code__in=list(by_code)).values_list(
            "pk", "credit_code", "jurisdiction_id", "name"
        )
        for pk, code, jurisdiction_id, name in registered:
            entry = by_code[code]
            in_scope = self.lookups.may_import_into(jurisdiction_id)
            if self.mode == MODE_UPDATE and in_scope:
                entry[1] = pk
                continue
            if self.mode == MODE_UPDATE:
                message = _("统一社会信用代码已在其他街道/园区登记，您无权更新该企业。")
            elif in_scope:
                message = _("统一社会信用代码已登记（%(name)s）；如需用本文件更新已登记企业，请选择“更新已登记企业”。") % {
                    "name": name}
            else:
                message = _("统一社会信用代码已在其他街道/园区登记，不能重复登记。")
            self.errors.append(RowError(entry[2], "统一社会信用代码", message))

    def _update(self, entries: list[list]) -> None:
        changes, unchanged = _diff(entries, lock=True)
        self.unchanged += unchanged
        if not changes:
            return
        for firm, _before, _after in changes:
            firm.updated_at = self.now
        Enterprise.objects.bulk_update(
            [c[0] for c in changes], [*UPDATE_FIELDS, "community", "grid", "updated_at"], batch_size=BATCH
        )
        AuditEntry.objects.bulk_create(
            [_firm_entry(self.user, self.post, "enterprise.update", firm, before, after, self.reason, self.now)
             for firm, before, after in changes],
            batch_size=BATCH,
        )
        self.updated += len(changes)

    def close(self, commit: bool) -> None:
        atomic, self._atomic = self._atomic, None
        if atomic is None:
            return
        if commit:
            try:
                summary = {"filename": self.result.filename, "mode": self.mode, **self.result.counts()}
                audit_record(actor=self.user, action="enterprise.import", target=self.job or self.user,
                             after=summary, reason=self.reason, post=self.post)
            except BaseException as exc:
                atomic.__exit__(type(exc), exc, exc.__traceback__)
                raise
        else:
            transaction.set_rollback(True)
        atomic.__exit__(None, None, None)

    def abort(self, exc: BaseException) -> None:
        atomic, self._atomic = self._atomic, None
        if atomic is not None:
            atomic.__exit__(type(exc), exc, exc.__traceback__)


class _InlineRunner:
    """The writer in the calling thread (SQLite, or inside a surrounding transaction such as a test's)."""

    def __init__(self, writer: _Writer):
        self.writer = writer

    def start(self) -> None:
        self.writer.open()

    def put(self, entries: list[list]) -> None:
        try:
            self.writer.batch(entries)
        except BaseException as exc:
            self.writer.abort(exc)
            raise

    def drain(self) -> None:
        pass

    def stop(self, *, commit: bool) -> None:
        self.writer.close(commit)


_STOP = object()


class _ThreadRunner(threading.Thread):
    """The writer on its own thread and database connection: PostgreSQL inserts one batch while the
    reader parses the next. The queue is short, so memory stays flat whatever the file size."""

    def __init__(self, writer: _Writer):
        super().__init__(name="enterprise-import-writer", daemon=True)
        self.writer = writer
        self.batches: queue.Queue = queue.Queue(maxsize=3)
        self.decision: queue.Queue = queue.Queue(maxsize=1)
        self.drained = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        from django.db import connection as thread_connection

        try:
            self.writer.open()
            try:
                while (entries := self.batches.get()) is not _STOP:
                    self.writer.batch(entries)
                self.drained.set()
                commit = self.decision.get()
            except BaseException as exc:
                self.writer.abort(exc)
                raise
            self.writer.close(commit)
        except BaseException as exc:
            self.error = exc
        finally:
            self.drained.set()
            thread_connection.close()

    def put(self, entries) -> None:
        while True:
            if self.error is not None:
                raise self.error
            try:
                self.batches.put(entries, timeout=0.5)
                return
            except queue.Full:
                if not self.is_alive():
                    if self.error is not None:
                        raise self.error from None
                    raise RuntimeError("import writer stopped") from None

    def drain(self) -> None:
        self.put(_STOP)
        self.drained.wait()
        if self.error is not None:
            raise self.error

    def stop(self, *, commit: bool) -> None:
        if self.is_alive():
            while not self.drained.is_set() and self.is_alive():
                with contextlib.suppress(queue.Full):
                    self.batches.put(_STOP, timeout=0.5)
                    break
            self.drained.wait()
            with contextlib.suppress(queue.Full):
                self.decision.put_nowait(commit)
            self.join()
        if self.error is not None and commit:
            raise self.error


def _insert_firms(rows: list[tuple], now) -> list[int]:
    """Insert new firms; returns their ids. On PostgreSQL one multi-row ``INSERT … RETURNING id`` per batch
    with the model's defaults filled in here (Django's bulk_create spends more time preparing values than
    PostgreSQL spends inserting them); elsewhere bulk_create."""
    if connection.vendor != "postgresql":
        firms = Enterprise.objects.bulk_create([Enterprise(**_values(r)) for r in rows], batch_size=BATCH)
        return [firm.pk for firm in firms]
    fields = [f for f in Enterprise._meta.concrete_fields if not f.primary_key]
    stamps = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    q = connection.ops.quote_name
    sql_values, params = [], []
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for row in rows:
        given = dict(zip(IMPORT_ATTNAMES, row, strict=True))
        for f in fields:
            if f.attname in given:
                params.append(given[f.attname])
            elif f.attname in stamps:
                params.append(now)
            else:
                params.append(f.get_db_prep_save(f.get_default(), connection))
        sql_values.append(row_placeholder)
    sql = (f"INSERT INTO {q(Enterprise._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
           f"VALUES {', '.join(sql_values)} RETURNING {q(Enterprise._meta.pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [r[0] for r in cursor.fetchall()]


def _audit_created(ids: list[int], chunk: list, *, user, post: str, reason: str, now) -> None:
    """One ``enterprise.create`` entry per new firm (its history shows the import). On PostgreSQL and
    SQLite the entries are built by the database from the rows just inserted (INSERT … SELECT): no Python
    object per entry, which keeps a 40,000-row import near the cost of reading the file."""
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        firms = Enterprise.objects.in_bulk(ids)
        AuditEntry.objects.bulk_create(
            [_firm_entry(user, post, "enterprise.create", firms[pk], None, _public(entry[0]), reason, now)
             for pk, entry in zip(ids, chunk, strict=True)],
            batch_size=BATCH,
        )
        return
    q = connection.ops.quote_name
    build = "jsonb_build_object" if vendor == "postgresql" else "json_object"
    pairs = ", ".join(f"'{key}', e.{q(key)}" for key in IMPORT_ATTNAMES)
    columns = ", ".join(q(c) for c in ("created_at", "actor_id", "post", "action", "target_type", "target_id",
                                       "target_repr", "enterprise_id", "before", "after", "reason"))
    sql = (
        f"INSERT INTO {q(AuditEntry._meta.db_table)} ({columns}) "
        f"SELECT %s, %s, %s, 'enterprise.create', 'enterprises.enterprise', e.id, substr(e.name, 1, 300), e.id, "
        f"NULL, {build}({pairs}), %s FROM {q(Enterprise._meta.db_table)} e WHERE e.id IN ({', '.join(['%s'] * len(ids))})"
    )
    params = [connection.ops.adapt_datetimefield_value(now), user.pk, post, reason, *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _public(row: tuple) -> dict:
    values = _values(row)
    return {k: v for k, v in values.items() if v not in ("", None)}


def _firm_entry(user, post, action, firm, before, after, reason, now) -> AuditEntry:
    return AuditEntry(
        created_at=now, actor=user if user.pk else None, post=post, action=action,
        target_type="enterprises.enterprise", target_id=firm.pk, target_repr=str(firm)[:300],
        enterprise_id=firm.pk, before=before, after=after, reason=reason,
    )


def _diff(chunk: list, *, lock: bool) -> tuple[list, int]:
    """Existing firms of ``chunk`` that the row changes, as (firm, before, after); and how many are
    unchanged. The firms are modified in memory."""
    by_id = {entry[1]: entry for entry in chunk}
    qs = Enterprise.objects.filter(pk__in=by_id)
    firms = list(qs.select_for_update() if lock else qs)
    if len(firms) != len(by_id):
        raise DomainError(_("导入期间有企业被他人删除，本次导入已全部撤销，请重新导入。"), code="conflict")
    changes, unchanged = [], 0
    for firm in firms:
        before, after = {}, {}
        for key, value in _values(by_id[firm.pk][0]).items():
            if key != "credit_code" and getattr(firm, key) != value:
                before[key], after[key] = getattr(firm, key), value
                setattr(firm, key, value)
        if not after:
            unchanged += 1
            continue
        if "jurisdiction_id" in after and (firm.community_id or firm.grid_id):
            before["community_id"], before["grid_id"] = firm.community_id, firm.grid_id
            after["community_id"] = after["grid_id"] = None
            firm.community_id = firm.grid_id = None
        changes.append((firm, before, after))
    return changes, unchanged


# ---------------------------------------------------------------------------------------------- jobs


def enterprise_import_start(*, user, file, filename: str, mode: str, dry_run: bool, rows_estimate=None):
    """Queue a large import on a worker: a Job with the uploaded file; the task calls
    :func:`enterprise_import`. The file must already have passed :func:`import_inspect`."""
    from django.core.files import File

    from zhifu_reopen.jobs import job_create, job_enqueue

    from ..tasks import enterprise_import_task

    if mode not in MODES:
        raise DomainError(_("未知的导入方式。"), code="mode")
    _require_importer(user)
    with transaction.atomic():
        job = job_create(
            kind="enterprise_import", user=user, total=rows_estimate or 0,
            params={"filename": filename, "mode": mode, "dry_run": bool(dry_run)},
        )
        file.seek(0)
        suffix = PurePath(filename).suffix.lower()
        job.input_file.save(f"import-{job.pk}{suffix}", File(file), save=True)
        job_enqueue(job, enterprise_import_task)
    return job


def import_result_for_job(job) -> dict | None:
    """The summary of an import already committed for ``job`` (a re-delivered task must not run it
    twice)."""
    entry = AuditEntry.objects.filter(
        action="enterprise.import", target_type=job._meta.label_lower, target_id=job.pk
    ).first()
    return None if entry is None else entry.after


def dumps(result: ImportResult) -> str:
    return json.dumps(result.as_dict(), ensure_ascii=False)


JOB_MAX_ERRORS = 2000


def import_job_run(job_id: int) -> None:
    """Body of the import task: run the import saved on the job and record its result. Idempotent: a
    finished job, or one whose import already committed, is not run again."""
    from zhifu_reopen.jobs import job_fail, job_finish, job_progress, job_start

    job = job_start(job_id)
    if job is None:
        return
    committed = import_result_for_job(job)
    if committed is not None:  # the import committed but the job was not closed (worker lost)
        job_finish(job, result={"summary": _("导入已完成（新增%(created)d家、更新%(updated)d家）。") % committed})
        return
    params = job.params
    try:
        with job.input_file.open("rb") as file:
            result = enterprise_import(
                user=job.created_by, file=file, filename=params.get("filename", file.name),
                mode=params.get("mode", MODE_REPORT), dry_run=params.get("dry_run", False),
                progress=lambda done, total: job_progress(job_id, done, total), job=job,
            )
    except DomainError as exc:  # the file or the user was refused: a person must act, no retry
        job_fail(job_id, exc.message)
        return
    data = result.as_dict(max_errors=JOB_MAX_ERRORS)
    if result.errors:
        if len(result.errors) > JOB_MAX_ERRORS:
            data["summary"] += " " + _("共%(n)d处错误，下表仅列出前%(max)d处；改正后可先“试导入”再次检查。") % {
                "n": len(result.errors), "max": JOB_MAX_ERRORS}
        job.result = data
        job.save(update_fields=["result"])
        job_fail(job_id, _("导入未通过校验，未写入任何数据。"))
        return
    job_finish(job, result=data)
