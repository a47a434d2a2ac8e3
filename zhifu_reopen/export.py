"""Excel export shared by every list (enterprises, applications, inspections …).

``xlsx_build(headers, rows)`` streams rows through openpyxl's write-only mode into a temporary file and
returns it opened at the start, so a 400,000-row export never holds the workbook in memory.
``xlsx_response`` sends it as a download. Text that Excel would run as a formula (``=``, ``+``, ``-``,
``@`` …) is written as plain text (CSV/formula injection), and characters Excel refuses are dropped.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _cell(sheet, value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_START):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # never a formula
            return cell
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (int, float, date)) or value is None:
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def xlsx_build(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str = "Sheet1",
    widths: Sequence[int] | None = None,
    text_columns: Sequence[int] = (),
    progress=None,
    progress_every: int = 5000,
):
    """Write ``headers`` and ``rows`` to an .xlsx temporary file; returns the open file (position 0).

    ``text_columns`` (0-based) are stored as text even when they look like numbers (credit codes,
    phone numbers), so Excel does not turn them into 9.1E+17. ``progress(n)`` is called every
    ``progress_every`` rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    for index, width in enumerate(widths or [max(10, len(str(h)) * 2 + 2) for h in headers]):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    text = set(text_columns)
    for count, row in enumerate(rows, start=1):
        values = []
        for index, value in enumerate(row):
            if index in text and value not in (None, ""):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
                cell.data_type = "s"
                cell.number_format = "@"
                values.append(cell)
            else:
                values.append(_cell(sheet, value))
        sheet.append(values)
        if progress and count % progress_every == 0:
            progress(count)
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (returned to the caller)
    workbook.save(output)
    output.seek(0)
    return output


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_filename(stem: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def xlsx_response(file, filename: str) -> FileResponse:
    # FileResponse writes filename*=UTF-8'' for the Chinese name.
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_MIME)
