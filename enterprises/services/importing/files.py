"""The uploaded file opened with the shared reader (``zhifu_reopen.sheets``: ``.xlsx``, ``.xls``, ``.ods``,
``.csv``; bombs refused before parsing), its header found among the first rows and mapped to the
template's columns, under the names streets really give them; :func:`import_inspect`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from zhifu_reopen.punctuation import clauses_join, list_join
from zhifu_reopen.sheets import (
    HEADER_SEARCH_ROWS,
    Header,
    Sheet,
    SheetRefused,
    find_header,
    header_key,
    numbered,
    open_sheet,
    rows_span,
)

from .base import HEADERS, IGNORED_HEADERS, MAX_ROWS, ImportFileError, RowError


@dataclass
class FileInfo:
    kind: str  # "xlsx" | "xls" | "ods" | "csv"
    rows_estimate: int | None  # data rows (below the header)


# Other names the registers of the streets give the template's columns.
HEADER_ALIASES = {
    "企业名称": ("单位名称", "企业(单位)名称", "企业名", "名称", "商户名称", "店铺名称", "场所名称", "市场主体名称"),
    "统一社会信用代码": ("社会信用代码", "信用代码", "统一信用代码", "统一社会信用代码(注册号)", "社会统一信用代码"),
    "规模": ("企业规模", "规模类型", "是否规上", "规上/规下"),
    "类别": ("企业类别", "行业类别", "复工类别", "类别(一般/民生保障等)"),
    "所属街道": ("街道", "街道/园区", "所属街道/园区", "所属街道(园区)", "街道(园区)", "所在街道", "所属镇街"),
    "主管部门": ("行业主管部门", "主管单位", "行业部门"),
    "经营地址": ("地址", "经营场所", "详细地址", "企业地址", "生产经营地址", "经营场所地址"),
    "法定代表人": ("法人", "法人代表", "法定代表人(负责人)", "法人姓名"),
    "防疫负责人": ("防疫联系人", "疫情防控负责人", "防控负责人"),
    "防疫负责人手机": ("防疫负责人电话", "防疫联系人手机", "防疫负责人联系电话", "联系电话", "手机", "手机号码",
                        "联系方式", "防疫负责人手机号"),
    "员工人数": ("职工人数", "员工数", "从业人数", "从业人员数", "职工总数", "员工总数", "人数"),
}
CANONICAL = {header_key(h): h for h in HEADERS} | {
    header_key(alias): header for header, aliases in HEADER_ALIASES.items() for alias in aliases
}
IGNORED = {header_key(h) for h in IGNORED_HEADERS}


def _known(keys: list[str]) -> int:
    return sum(1 for key in keys if key in CANONICAL)


def _open(file, filename: str) -> Sheet:
    try:
        return open_sheet(file, filename, max_rows=MAX_ROWS + HEADER_SEARCH_ROWS,
                          max_bytes=settings.IMPORT_MAX_BYTES)
    except SheetRefused as exc:
        raise ImportFileError(exc.message, code=exc.code, status_code=exc.status_code) from exc


def _header_map(header: Header) -> tuple[list[int], list[str]]:
    """Column index per COLUMNS entry, and the columns not imported; refuses missing or repeated
    columns, saying which."""
    positions: dict[str, int] = {}
    duplicates, unknown = [], []
    for index, key in enumerate(header.keys):
        name = CANONICAL.get(key)
        if name is None:
            if key and key not in IGNORED:
                unknown.append(key)
        elif name in positions:
            duplicates.append(key)
        else:
            positions[name] = index
    missing = [h for h in HEADERS if h not in positions]
    problems = []
    if missing:
        problems.append(_("缺少列：%(cols)s") % {"cols": list_join(missing)})
        if unknown:
            problems.append(_("无法识别的列：%(cols)s") % {"cols": list_join(unknown)})
    if duplicates:
        problems.append(_("重复的列：%(cols)s") % {"cols": list_join(duplicates)})
    if problems:
        raise ImportFileError(
            _("表头（第%(row)d行）不正确（%(problems)s）。表头应为：%(headers)s。请下载导入模板对照。")
            % {"row": header.row, "problems": clauses_join(problems), "headers": list_join(HEADERS)},
            code="headers",
        )
    return [positions[h] for h in HEADERS], unknown


def _read_header(sheet: Sheet, warnings: list | None = None) -> tuple[Iterator[tuple[int, tuple]], list[int]]:
    """The numbered rows below the header, and the column index per COLUMNS entry. Refuses a file
    without a header among its first rows, with missing columns, or with more than MAX_ROWS data rows
    below its header. Title rows above the header and columns not in the template go to ``warnings``."""
    header, rows = find_header(numbered(sheet.rows), _known)
    if header is None:
        if sheet.last_row == 0:
            raise ImportFileError(_("文件是空的：没有表头，也没有数据。"), code="empty")
        raise ImportFileError(
            _("在前%(n)d行中没有找到表头。表头应为：%(headers)s。请下载导入模板对照。")
            % {"n": HEADER_SEARCH_ROWS, "headers": list_join(HEADERS)}, code="headers")
    index, unknown = _header_map(header)
    estimate = max(sheet.last_row - header.row, 0)
    if estimate > MAX_ROWS:
        raise ImportFileError(
            _("文件约有%(rows)d行，超过单次导入上限%(limit)d行，请拆分后分批导入。")
            % {"rows": estimate, "limit": MAX_ROWS},
            code="too_many_rows", status_code=413,
        )
    sheet.rows_estimate = estimate
    if warnings is not None:
        if header.titles:
            warnings.append(RowError(header.titles[0], "", _(
                "表头在第%(header)d行；其上的第%(rows)s行（标题等）未作为数据导入。")
                % {"header": header.row, "rows": rows_span(header.titles)}))
        if unknown:
            warnings.append(RowError(header.row, "", _("以下列不在导入模板中，未导入：%(cols)s。")
                                     % {"cols": list_join(unknown)}))
    return rows, index


def import_inspect(file, filename: str) -> FileInfo:
    """Check type, size and headers without importing; the page uses it to choose inline or a job."""
    sheet = _open(file, filename)
    try:
        _read_header(sheet)
        return FileInfo(kind=sheet.kind, rows_estimate=sheet.rows_estimate)
    finally:
        sheet.close()
        file.seek(0)
