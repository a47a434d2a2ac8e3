"""Bombs refused before a worksheet is parsed.

A spreadsheet reader (calamine, like every other) holds a sheet as a dense grid from its first to its
last used cell, so what reading costs is set by the sheet's *extent*, not by its file size: one cell at
row 2,000,000,000, or at column XFD of a long sheet, would make a grid of billions of cells. And
``.xlsx`` / ``.ods`` are zip archives, which can inflate a thousand times. So, before the reader sees
the file:

- :func:`archive_check` (``.xlsx``, ``.ods``): the members' uncompressed sizes from the zip's central
  directory (Python's ``zipfile`` never inflates a member beyond what it declares: a member that inflates
  further fails its CRC) must stay under ``XLSX_MAX_UNCOMPRESSED_BYTES`` and, for anything but a small
  file, the expansion ratio under ``XLSX_MAX_RATIO``.
- :func:`xlsx_extent`: the first worksheet's rows and columns, read from its XML by a byte scan of the
  ``<row r=…>`` and ``<c r=…>`` tags that stops as soon as a limit is passed. The ``<dimension>`` header is
  never trusted.
- :func:`ods_extent`: the same from an OpenDocument sheet's ``content.xml``, counting
  ``number-rows-repeated`` / ``number-columns-repeated`` of the rows and cells that hold a value (the
  empty rest of a sheet, which LibreOffice writes as one row repeated a million times, costs nothing).
- ``.xls`` (Excel 97–2003) is not compressed and its format stops at 65,536 rows × 256 columns, so the
  upload's size limit bounds it; calamine also refuses any grid above 100 million cells.

Each refusal is a :class:`SheetRefused` (413) with a Chinese message saying what was found.
"""

from __future__ import annotations

import html
import re
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import DomainError

DEFAULT_MAX_UNCOMPRESSED = 512 * 1024 * 1024  # 20 MB of real workbook expands 15–20 times
DEFAULT_MAX_RATIO = 100
RATIO_FLOOR = 8 * 1024 * 1024  # small files (templates, a few rows) may compress very well
MAX_CELLS = 12_000_000  # the grid a sheet may make: 500,000 rows × 24 columns (~400 MB at worst)
CHUNK = 1024 * 1024
MAX_TAG = 1024 * 1024  # no tag of a real worksheet is this long


class SheetRefused(DomainError):
    """The file cannot be read as a table: its type, size, extent or header. ``status_code`` is 413 for
    what is too large, 400 otherwise."""

    def __init__(self, message, *, code: str = "bad_file", status_code: int = 400, messages=None):
        super().__init__(message, code=code, messages=messages)
        self.status_code = status_code


def _too_large(message, code="too_large") -> SheetRefused:
    return SheetRefused(message, code=code, status_code=413)


def _max_uncompressed() -> int:
    return getattr(settings, "XLSX_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED)


def _max_ratio() -> int:
    return getattr(settings, "XLSX_MAX_RATIO", DEFAULT_MAX_RATIO)


def _damaged() -> SheetRefused:
    return SheetRefused(_("表格文件的内容异常，无法读取。请在Excel或WPS中另存为 .xlsx 后重新上传。"), code="file_type")


def archive_check(file, *, max_uncompressed: int | None = None) -> int:
    """Refuse an archive that would expand beyond the limits; return its declared uncompressed size.
    ``file`` is seekable and is left at position 0."""
    limit = max_uncompressed or _max_uncompressed()
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        file.seek(0)
        raise SheetRefused(_("无法读取该表格文件：文件已损坏或不是Excel工作簿，请重新保存后再上传。"),
                           code="file_type") from exc
    size = file.seek(0, 2) or 1
    file.seek(0)
    total = sum(max(info.file_size, 0) for info in infos)
    if total > limit:
        raise _too_large(
            _("Excel文件解压后约 %(size)d MB，超过上限 %(limit)d MB（可能是异常或恶意构造的文件），未读取。"
              "请拆分后分批上传。") % {"size": total // (1024 * 1024), "limit": limit // (1024 * 1024)})
    if total > RATIO_FLOOR and total / size > _max_ratio():
        raise _too_large(
            _("Excel文件的压缩比异常（%(ratio)d 倍，上限 %(limit)d 倍），可能是恶意构造的文件，未读取。"
              "请在Excel中另存为 .xlsx 后重新上传。") % {"ratio": int(total / size), "limit": _max_ratio()})
    return total


def rows_refused(row: int, max_rows: int) -> SheetRefused:
    return _too_large(
        _("工作表写到了第%(row)d行，数据超过单次上限%(limit)d行（也可能是异常或恶意构造的文件），"
          "未读取。请删除多余的行，或拆分后分批上传。") % {"row": row, "limit": max_rows},
        code="too_many_rows")


def cells_refused(rows: int, columns: int) -> SheetRefused:
    return _too_large(
        _("工作表有%(rows)d行、宽达%(columns)d列（最右边的列里有内容），超出可读取的范围，未读取。"
          "请删除右侧多余的列后重新上传。") % {"rows": rows, "columns": columns})


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


# Attribute values may hold ">" (never "<"), so a tag is matched quote-aware, and each chunk is cut before
# its last "<": every tag that starts before that point also ends before it.
_ATTRS = rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)"
_XLSX_ROW = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row(?=[\s/>])" + _ATTRS + rb">")
_R_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*([\"'])(.*?)\1", re.S)
# Only refs of two or three letters (column AA on) are looked at: a sheet of columns A–Z has none.
_WIDE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(?<=\s)r\s*=\s*[\"']"
                        rb"([A-Za-z]{2,3})\d")


def _row_number(attrs: bytes) -> int | None:
    match = _R_ATTR.search(attrs)
    if match is None:
        return None
    text = html.unescape(match.group(2).decode("utf-8", "replace")).strip()
    try:
        return int(text)
    except ValueError:
        try:
            return int(float(text))
        except (ValueError, OverflowError):
            raise SheetRefused(_("Excel工作表的行号无法识别，文件可能已损坏。请在Excel中另存为 .xlsx 后重新上传。"),
                               code="file_type") from None


def _chunks(source):
    """(data, end) pairs: each chunk of ``source`` with what the previous one left, and the offset up to
    which its tags are complete."""
    pending = b""
    chunk = source.read(CHUNK)
    head = chunk[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    if b"\x00" in head or (head and not head.startswith(b"<")):
        raise SheetRefused(_("Excel工作表的编码无法识别，请在Excel中另存为 .xlsx 后重新上传。"), code="file_type")
    while True:
        data = pending + chunk
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # spreadsheets carry no DTD; entities could hide rows
            raise _damaged()
        cut = data.rfind(b"<") if chunk else len(data)
        end = len(data) if cut < 0 else cut
        yield data, end
        if not chunk:
            return
        pending = data[end:]
        if len(pending) > MAX_TAG:
            raise _damaged()
        chunk = source.read(CHUNK)


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s[^>]*?\br:id\s*=\s*[\"']([^\"']+)[\"']")
_RELATIONSHIP = re.compile(rb"<Relationship\s[^>]*>")
_REL_ID = re.compile(rb"\bId\s*=\s*[\"']([^\"']+)[\"']")
_REL_TARGET = re.compile(rb"\bTarget\s*=\s*[\"']([^\"']+)[\"']")


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (the one a reader opens), from workbook.xml and its
    relationships."""
    try:
        workbook = archive.read("xl/workbook.xml")[:4 * CHUNK]
        rels = archive.read("xl/_rels/workbook.xml.rels")[:4 * CHUNK]
    except KeyError:
        raise SheetRefused(_("无法读取该 .xlsx 文件：文件已损坏或不是Excel工作簿，请重新保存后再上传。"),
                           code="file_type") from None
    first = _SHEET_TAG.search(workbook)
    if first is None:
        raise SheetRefused(_("工作簿里没有工作表。"), code="empty")
    for tag in _RELATIONSHIP.findall(rels):
        rel_id, target = _REL_ID.search(tag), _REL_TARGET.search(tag)
        if rel_id and target and rel_id.group(1) == first.group(1):
            path = html.unescape(target.group(1).decode("utf-8", "replace"))
            return path.lstrip("/") if path.startswith("/") else "xl/" + path
    raise _damaged()


def xlsx_extent(file, *, max_rows: int) -> tuple[int, int]:
    """(last row, widest column) of the first worksheet, counted as a reader does (a ``<row>`` without
    ``r`` follows the previous one). Refuses, as soon as it is seen, a row beyond ``max_rows``, and a grid
    of more than MAX_CELLS cells."""
    file.seek(0)
    last = current = 0
    widest = 1
    try:
        with zipfile.ZipFile(file) as archive, archive.open(_first_sheet_path(archive)) as source:
            for data, end in _chunks(source):
                for match in _XLSX_ROW.finditer(data, 0, end):
                    number = _row_number(match.group(1))
                    current = current + 1 if number is None else number
                    if current > last:
                        last = current
                        if last > max_rows:
                            raise rows_refused(last, max_rows)
                for match in _WIDE_CELL.finditer(data, 0, end):
                    widest = max(widest, _column_number(match.group(1)))
                if last * widest > MAX_CELLS:
                    raise cells_refused(last, widest)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise _damaged() from exc
    finally:
        file.seek(0)
    return last, widest


_ODS_TAG = re.compile(rb"<table:(table-row|table-cell|covered-table-cell)(?=[\s/>])" + _ATTRS + rb">"
                      rb"|</table:table>")
_ROWS_REPEATED = re.compile(rb"table:number-rows-repeated\s*=\s*[\"'](\d+)")
_COLUMNS_REPEATED = re.compile(rb"table:number-columns-repeated\s*=\s*[\"'](\d+)")
_HAS_VALUE = re.compile(rb"office:value-type\s*=")


def _repeat(pattern, attrs: bytes) -> int:
    match = pattern.search(attrs)
    return int(match.group(1)) if match else 1


def ods_extent(file, *, max_rows: int) -> tuple[int, int]:
    """(last row with a value, widest column with a value) of the first table of an OpenDocument
    spreadsheet; refuses beyond ``max_rows`` or MAX_CELLS as :func:`xlsx_extent` does."""
    file.seek(0)
    rows = last = widest = 0
    row_repeat, row_valued, column = 1, False, 0

    def close_row():
        nonlocal rows, last
        if row_valued:
            last = rows + row_repeat
        rows += row_repeat

    try:
        with zipfile.ZipFile(file) as archive, archive.open("content.xml") as source:
            started = False
            for data, end in _chunks(source):
                for match in _ODS_TAG.finditer(data, 0, end):
                    kind, attrs = match.group(1), match.group(2) or b""
                    if kind is None:  # </table:table>: only the first table is read
                        if started:
                            close_row()
                        return _checked(last, widest, max_rows)
                    if kind == b"table-row":
                        if started:
                            close_row()
                        started, row_repeat, row_valued, column = True, _repeat(_ROWS_REPEATED, attrs), False, 0
                    else:
                        column += _repeat(_COLUMNS_REPEATED, attrs)
                        if _HAS_VALUE.search(attrs):
                            row_valued, widest = True, max(widest, column)
                    if rows + (row_repeat if row_valued else 0) > max_rows and row_valued:
                        raise rows_refused(rows + row_repeat, max_rows)
            if started:
                close_row()
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise _damaged() from exc
    finally:
        file.seek(0)
    return _checked(last, widest, max_rows)


def _checked(last: int, widest: int, max_rows: int) -> tuple[int, int]:
    if last > max_rows:
        raise rows_refused(last, max_rows)
    if last * max(widest, 1) > MAX_CELLS:
        raise cells_refused(last, widest)
    return last, max(widest, 1)
