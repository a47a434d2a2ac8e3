"""Uploaded ``.xlsx`` workbooks checked for bombs before a worksheet is parsed (issue 7 §5): the enterprise
import (``enterprises.services.importing``) and the roster upload (``approvals``) both go through it.

- :func:`xlsx_archive_check`: the zip's members declare their uncompressed sizes in the central
  directory, and Python's ``zipfile`` never inflates a member beyond what it declares (a member that
  inflates further fails its CRC), so the sum of ``file_size`` bounds what reading the file can cost. It
  must stay under ``XLSX_MAX_UNCOMPRESSED_BYTES`` and, for anything but a small file, the expansion ratio
  under ``XLSX_MAX_RATIO``.
- :func:`xlsx_sheet_rows`: the real number of rows of a read-only worksheet, read from its XML's ``<row>``
  elements by a byte scan that stops as soon as the limit is passed, so a single cell at row 2,000,000,000
  (which openpyxl would reach by yielding two thousand million empty rows) is refused at once. The
  ``<dimension>`` header is not trusted for this, nor for reading: the sheet's dimensions are reset so
  every real row is read whatever the header says.

Both raise :class:`XlsxRefused`, a :class:`DomainError` (413) with a Chinese message.
"""

from __future__ import annotations

import html
import re
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import DomainError

# A legitimate import of 20 MB (the upload limit) expands ~15-20 times: 300-400 MB; a bomb 400 times or more.
DEFAULT_MAX_UNCOMPRESSED = 512 * 1024 * 1024
DEFAULT_MAX_RATIO = 100
RATIO_FLOOR = 8 * 1024 * 1024  # small files (templates, a few rows) may compress very well
CHUNK = 1024 * 1024
MAX_TAG = 1024 * 1024  # no tag of a real worksheet is this long

# Attribute values may hold ">" (never "<"), so a tag is matched quote-aware, and the stream is cut
# before its last "<": every tag that starts before that point also ends before it.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_R_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*([\"'])(.*?)\1", re.S)


class XlsxRefused(DomainError):
    status_code = 413


def _max_uncompressed() -> int:
    return getattr(settings, "XLSX_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED)


def _max_ratio() -> int:
    return getattr(settings, "XLSX_MAX_RATIO", DEFAULT_MAX_RATIO)


def _file_size(file) -> int:
    position = file.tell()
    file.seek(0, 2)
    size = file.tell()
    file.seek(position)
    return size


def xlsx_archive_check(file, *, max_uncompressed: int | None = None) -> int:
    """Refuse a workbook that would expand beyond the limits; return its declared uncompressed size.
    ``file`` is seekable; it is left at position 0. A file that is not a zip at all is left for the
    reader to refuse with its own message."""
    limit = max_uncompressed or _max_uncompressed()
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        file.seek(0)
        return 0
    file.seek(0)
    total = sum(max(info.file_size, 0) for info in infos)
    size = max(_file_size(file), 1)
    if total > limit:
        raise XlsxRefused(
            _("Excel文件解压后约 %(size)d MB，超过上限 %(limit)d MB（可能是异常或恶意构造的文件），未读取。"
              "请拆分后分批上传。") % {"size": total // (1024 * 1024), "limit": limit // (1024 * 1024)},
            code="too_large",
        )
    if total > RATIO_FLOOR and total / size > _max_ratio():
        raise XlsxRefused(
            _("Excel文件的压缩比异常（%(ratio)d 倍，上限 %(limit)d 倍），可能是恶意构造的文件，未读取。"
              "请在Excel中另存为 .xlsx 后重新上传。") % {"ratio": int(total / size), "limit": _max_ratio()},
            code="too_large",
        )
    return total


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
            raise XlsxRefused(_("Excel工作表的行号无法识别，文件可能已损坏。请在Excel中另存为 .xlsx 后重新上传。"),
                              code="file_type") from None


def xlsx_sheet_rows(sheet, *, max_rows: int, header_rows: int = 1) -> int:
    """The number of data rows a read-only worksheet really has (the number of its last row, less the
    header), counting as openpyxl does (a ``<row>`` without ``r`` follows the previous one). Refuses, as
    soon as it is seen, a row beyond ``max_rows`` data rows. Resets the sheet's dimensions so reading is not cut at the header's
    ``<dimension>``."""
    limit = max_rows + header_rows
    last = current = 0
    pending = b""
    with sheet.parent._archive.open(sheet._worksheet_path) as source:
        chunk = source.read(CHUNK)
        head = chunk[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
        if b"\x00" in head or (head and not head.startswith(b"<")):
            raise XlsxRefused(_("Excel工作表的编码无法识别，请在Excel中另存为 .xlsx 后重新上传。"),
                              code="file_type")
        while True:
            data = pending + chunk
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # Excel writes no DTD; entities could hide a row
                raise XlsxRefused(_("Excel工作表的内容异常，无法读取。请在Excel中另存为 .xlsx 后重新上传。"),
                                  code="file_type")
            cut = data.rfind(b"<") if chunk else len(data)
            for match in _ROW_TAG.finditer(data, 0, len(data) if cut < 0 else cut):
                number = _row_number(match.group(1))
                current = current + 1 if number is None else number
                if current > last:
                    last = current
                    if last > limit:
                        raise XlsxRefused(
                            _("工作表写到了第%(row)d行，数据超过单次上限%(limit)d行（也可能是异常或恶意构造的文件），"
                              "未读取。请删除多余的行，或拆分后分批上传。") % {"row": last, "limit": max_rows},
                            code="too_many_rows",
                        )
            if not chunk:
                break
            pending = data[cut:] if cut >= 0 else b""
            if len(pending) > MAX_TAG:
                raise XlsxRefused(_("Excel工作表的内容异常，无法读取。请在Excel中另存为 .xlsx 后重新上传。"),
                                  code="file_type")
            chunk = source.read(CHUNK)
    sheet.reset_dimensions()
    return max(last - header_rows, 0)
