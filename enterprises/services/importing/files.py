"""The uploaded file: its size and real type checked, CSV decoded, rows of the first worksheet (or of the
CSV) read as raw tuples, the header row mapped to the template's columns; :func:`import_inspect`."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from zhifu_reopen.punctuation import clauses_join, list_join
from zhifu_reopen.xlsx_guard import XlsxRefused, xlsx_archive_check, xlsx_sheet_rows

from .base import HEADERS, IGNORED_HEADERS, MAX_ROWS, ImportFileError


@dataclass
class FileInfo:
    kind: str  # "xlsx" | "csv"
    rows_estimate: int | None  # data rows (without the header); None when the file does not say


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
        self.data_width: int | None = None
        if kind == "xlsx":
            import openpyxl
            from openpyxl.utils.exceptions import InvalidFileException

            self._guard(xlsx_archive_check, file)
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
            # The real rows, counted from the sheet's XML before it is parsed (a bomb is refused here);
            # the <dimension> header is not trusted, and reading is no longer cut at it.
            try:
                self.rows_estimate = self._guard(xlsx_sheet_rows, self.sheet, max_rows=MAX_ROWS)
            except BaseException:
                self.workbook.close()
                raise
        else:
            text = _decode(file.read())
            self.text = text
            lines = max(text.count("\n"), text.count("\r"))
            self.rows_estimate = max(lines + (0 if text.endswith(("\n", "\r")) else 1) - 1, 0)

    @staticmethod
    def _guard(check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except XlsxRefused as exc:
            raise ImportFileError(exc.message, code=exc.code, status_code=exc.status_code) from exc
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
            raise ImportFileError(_("读取 .xlsx 文件时出错：文件可能已损坏。"), code="file_type") from exc

    def __iter__(self) -> Iterator[tuple]:
        if self.kind == "xlsx":
            try:
                # The header first; the data rows then only as wide as the header named (``data_width``,
                # set by _read_header once it has read the header): a stray cell in column XFD must not
                # make every row 16,384 values long.
                header = next(self.sheet.iter_rows(max_row=1, values_only=True), None)
                if header is None:
                    return
                yield header
                yield from self.sheet.iter_rows(min_row=2, max_col=self.data_width, values_only=True)
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
        problems.append(_("缺少列：%(cols)s") % {"cols": list_join(missing)})
    if unknown:
        problems.append(_("无法识别的列：%(cols)s") % {"cols": list_join(unknown)})
    if duplicates:
        problems.append(_("重复的列：%(cols)s") % {"cols": list_join(duplicates)})
    if problems:
        raise ImportFileError(
            _("表头不正确（%(problems)s）。第1行应为：%(headers)s。请下载导入模板对照。")
            % {"problems": clauses_join(problems), "headers": list_join(HEADERS)},
            code="headers",
        )
    return [positions[h] for h in HEADERS]


def _read_header(reader: _Reader) -> tuple[Iterator[tuple], list[int]]:
    """The rows after the header, and the column index per COLUMNS entry. Refuses a file without a header
    row, with wrong headers, or that says it has more than MAX_ROWS data rows."""
    rows = iter(reader)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("文件是空的：没有表头，也没有数据。"), code="empty")
    index = _header_map(header)
    reader.data_width = max(index) + 1
    estimate = reader.rows_estimate
    if estimate is not None and estimate > MAX_ROWS:
        raise ImportFileError(
            _("文件约有%(rows)d行，超过单次导入上限%(limit)d行，请拆分后分批导入。")
            % {"rows": estimate, "limit": MAX_ROWS},
            code="too_many_rows", status_code=413,
        )
    return rows, index


def import_inspect(file, filename: str) -> FileInfo:
    """Check type, size and headers without importing; the page uses it to choose inline or a job."""
    file, kind = _check_file(file, filename)
    reader = _Reader(file, kind)
    try:
        _read_header(reader)
        return FileInfo(kind=kind, rows_estimate=reader.rows_estimate)
    finally:
        reader.close()
        file.seek(0)

