"""An uploaded table opened for reading: what kind of file it really is, refused if it cannot be a table
or is a bomb, then the rows of its first sheet as tuples of raw values.

``.xlsx`` (Excel, WPS, LibreOffice), ``.xls`` (Excel 97–2003 and WPS's compatibility mode) and ``.ods``
are read by calamine (Rust, through python-calamine: some fifteen times faster than openpyxl, which is
kept only for writing); ``.csv`` by the standard library, in UTF-8 (with or without BOM) or GB18030.
The content decides how a file is read, not its name: an ``.xlsx`` saved with a ``.xls`` name is read
as what it is; a web page saved as ``.xls`` (as many systems export) is refused with its reason.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

from .guard import (
    MAX_CELLS,
    SheetRefused,
    archive_check,
    cells_refused,
    ods_extent,
    rows_refused,
    xlsx_extent,
)

SPREADSHEET_EXTENSIONS = (".xlsx", ".xls", ".ods")
EXTENSIONS = (*SPREADSHEET_EXTENSIONS, ".csv")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass
class Sheet:
    """The first sheet of an upload. ``rows`` yields every row from row 1 on (a row's number in the
    spreadsheet is its position + 1); ``last_row`` is the number of its last used row."""

    kind: str  # "xlsx" | "xls" | "ods" | "csv"
    last_row: int
    rows: Iterator[tuple]
    _workbook: object = None
    rows_estimate: int | None = None  # data rows below the header, once a caller has found it

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        size = file.seek(0, io.SEEK_END)
        file.seek(position)
    return size


def _seekable(file):
    """The readers need a seekable file; storages may hand out streams."""
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


def _zip_kind(file) -> str:
    """"ods" when the archive says it is an OpenDocument spreadsheet (its first member, ``mimetype``),
    else "xlsx" (the reader then finds out whether it really is one)."""
    import zipfile

    try:
        with zipfile.ZipFile(file) as archive:
            if "mimetype" in archive.namelist():
                with archive.open("mimetype") as member:
                    if member.read(200).strip() == ODS_MIMETYPE:
                        return "ods"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        pass
    finally:
        file.seek(0)
    return "xlsx"


def _sniff(head: bytes) -> str:
    """What the content is, whatever the file is called."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"  # .xls (Excel 97–2003, WPS), but also .doc, .ppt …
    if head.startswith((b"MZ", b"\x7fELF")):
        return "executable"
    import filetype

    kind = filetype.guess(head)
    if kind is not None:
        major = kind.mime.split("/")[0]
        return major if major in ("image", "video", "audio") else "binary"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    if b"\x00" in head:
        return "binary"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta")):
        return "markup"
    return "text"


def _kind(file, filename: str, *, max_bytes: int) -> tuple[object, str]:
    """Refuse what cannot be a table; the (seekable) file and how to read it."""
    ext = PurePath(filename or "").suffix.lower()
    if ext not in EXTENSIONS:
        raise SheetRefused(
            _("文件类型不支持：只能上传 .xlsx、.xls、.ods 或 .csv 表格文件（当前文件：%(name)s）。") % {"name": filename},
            code="file_type")
    size = _size(file)
    if size > max_bytes:
        raise SheetRefused(
            _("文件过大：%(size).1f MB，单次上传上限为 %(limit).1f MB，请拆分后分批上传。")
            % {"size": size / 1048576, "limit": max_bytes / 1048576}, code="too_large", status_code=413)
    if size == 0:
        raise SheetRefused(_("文件是空的，没有任何内容。"), code="empty")
    file = _seekable(file)
    head = file.read(4096)
    file.seek(0)
    content = _sniff(head)
    if content == "utf16":
        raise SheetRefused(
            _("CSV文件是UTF-16（Unicode文本）编码，请另存为“CSV UTF-8”或GB18030（GBK）编码的CSV。"), code="encoding")
    if content == "markup":
        raise SheetRefused(
            _("该文件是网页（HTML/XML）格式，只是扩展名为 %(ext)s，不是真正的表格文件。请用Excel或WPS打开后“另存为”.xlsx 再上传。")
            % {"ext": ext}, code="file_type")
    if content in ("executable", "image", "video", "audio", "binary"):
        raise SheetRefused(
            _("文件内容不是Excel表格或CSV文本（可能是程序、图片或其他文件改了扩展名），请使用模板重新填写。"),
            code="file_type")
    if ext == ".csv":
        if content != "text":
            raise SheetRefused(
                _("文件扩展名是 .csv，但内容是Excel工作簿或其他文件；Excel文件请以 .xlsx、.xls 或 .ods 扩展名上传。"),
                code="file_type")
        return file, "csv"
    if content == "zip":
        return file, _zip_kind(file)
    if content == "ole":
        return file, "xls"
    raise SheetRefused(
        _("文件扩展名是 %(ext)s，但内容不是Excel工作簿（像是文本文件）；CSV文件请以 .csv 扩展名上传。") % {"ext": ext},
        code="file_type")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetRefused(_("CSV文件编码无法识别：请保存为UTF-8或GB18030（GBK）编码。"), code="encoding")


def _csv_rows(text: str) -> Iterator[tuple]:
    try:
        yield from (tuple(r) for r in csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise SheetRefused(_("CSV文件格式有误：%(error)s") % {"error": str(exc)}, code="file_type") from exc


def _unreadable(kind: str) -> SheetRefused:
    names = {"xls": ".xls", "ods": ".ods"}
    return SheetRefused(
        _("无法读取该 %(ext)s 文件：文件已损坏、设置了打开密码或不是表格文件，请用Excel或WPS打开后另存为 .xlsx 再上传。")
        % {"ext": names.get(kind, ".xlsx")}, code="file_type")


def calamine_sheet(file, kind: str):
    """The workbook and its first sheet, read by calamine (the one place the file is parsed)."""
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(file)
    except Exception as exc:  # calamine raises its own error types and ValueError for a damaged file
        raise _unreadable(kind) from exc
    try:
        if not workbook.sheet_names:
            raise SheetRefused(_("工作簿里没有工作表。"), code="empty")
        sheet = workbook.get_sheet_by_index(0)
    except SheetRefused:
        workbook.close()
        raise
    except Exception as exc:
        workbook.close()
        message = str(exc)
        if "limit" in message.lower():
            raise SheetRefused(_("工作表的范围过大（可能是异常或恶意构造的文件），未读取。"), code="too_large",
                               status_code=413) from exc
        raise _unreadable(kind) from exc
    return workbook, sheet


def _calamine_rows(sheet, kind: str) -> Iterator[tuple]:
    try:
        for row in sheet.iter_rows():
            yield tuple(row)
    except Exception as exc:
        raise _unreadable(kind) from exc


def open_sheet(file, filename: str, *, max_rows: int, max_bytes: int,
               max_uncompressed: int | None = None) -> Sheet:
    """The first sheet of an uploaded table, after every check: type, size, archive and extent. Raises
    :class:`SheetRefused`. ``max_rows`` bounds the sheet's last used row (title rows included)."""
    file, kind = _kind(file, filename, max_bytes=max_bytes)
    if kind == "csv":
        text = _decode(file.read())
        lines = max(text.count("\n"), text.count("\r"))
        last = lines + (0 if text.endswith(("\n", "\r")) or not text else 1)
        return Sheet(kind=kind, last_row=last, rows=_csv_rows(text))
    if kind in ("xlsx", "ods"):
        archive_check(file, max_uncompressed=max_uncompressed)
        (xlsx_extent if kind == "xlsx" else ods_extent)(file, max_rows=max_rows)
    workbook, sheet = calamine_sheet(file, kind)
    last = sheet.end[0] + 1 if sheet.height else 0
    if last > max_rows or sheet.height * sheet.width > MAX_CELLS:  # what no scan saw (.xls)
        workbook.close()
        raise rows_refused(last, max_rows) if last > max_rows else cells_refused(sheet.height, sheet.width)
    return Sheet(kind=kind, last_row=last, rows=_calamine_rows(sheet, kind), _workbook=workbook)
