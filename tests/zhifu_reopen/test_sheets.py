"""The shared spreadsheet reader (``zhifu_reopen.sheets``): values as people type them, the header and
notes rows, and the bombs of each format refused before calamine sees them."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import openpyxl
import pytest

from zhifu_reopen import sheets
from zhifu_reopen.sheets import guard


@pytest.mark.parametrize(("value", "expected"), [
    (43871, datetime.date(2020, 2, 10)), (43871.0, datetime.date(2020, 2, 10)), ("43871", datetime.date(2020, 2, 10)),
    ("2020-02-10", datetime.date(2020, 2, 10)), ("2020/2/10", datetime.date(2020, 2, 10)),
    ("2020.2.10", datetime.date(2020, 2, 10)), ("2020年2月10日", datetime.date(2020, 2, 10)),
    ("２０２０年２月１０日", datetime.date(2020, 2, 10)), ("20200210", datetime.date(2020, 2, 10)),
    (datetime.datetime(2020, 2, 10, 8, 30), datetime.date(2020, 2, 10)),
    ("2020-02-30", None), ("昨天", None), (43871.5, None), ("", None), (True, None),
])
def test_dates_from_serials_and_text(value, expected):
    assert sheets.date_value(value) == expected


@pytest.mark.parametrize(("value", "text"), [
    (13912345678.0, "13912345678"), (12.0, "12"), (12.5, "12.5"), (None, ""), ("  甲 ", "甲"),
    (datetime.date(2020, 2, 10), "2020-02-10"), ("\ufeff企业名称", "企业名称"),
])
def test_cell_text(value, text):
    assert sheets.cell_text(value) == text


@pytest.mark.parametrize(("typed", "plain", "changed"), [
    ("13912345678", "13912345678", False), ("+8613912345678", "13912345678", True),
    ("139-1234-5678", "13912345678", True), ("１３９１２３４５６７８", "13912345678", True),
    ("13912345678.0", "13912345678", True), ("0086 139 1234 5678", "13912345678", True),
])
def test_mobiles(typed, plain, changed):
    assert sheets.mobile(typed) == sheets.Cleaned(plain, changed)


def test_full_width_becomes_ascii_and_chinese_is_left_alone():
    assert sheets.compact("９１３７ ０６０２ＭＡ").text == "91370602MA"
    assert sheets.halfwidth("向阳街道（一）") == "向阳街道(一)"


@pytest.mark.parametrize(("typed", "yes"), [("是", True), ("否", False), ("Y", True), ("√", True), ("×", False),
                                            ("不确定", None), ("", None)])
def test_yes_and_no(typed, yes):
    assert sheets.yes_no(typed) is yes


@pytest.mark.parametrize("typed", ["*企业名称", "企业\n名称", "企业名称（必填）", " 企业名称 ", "企业名称：", "＊企业名称"])
def test_header_keys(typed):
    assert sheets.header_key(typed) == "企业名称"


@pytest.mark.parametrize(("cells", "marker"), [
    (["合计", "", "40"], "合计"), (["", "填表人：张三"], "填表人：张三"), (["备注：无"], "备注：无"),
    (["注：本表…"], "注：本表…"), (["烟台某公司", "合计"], ""), (["", ""], ""),
])
def test_notes_rows(cells, marker):
    assert sheets.note_marker(cells) == marker


def test_rows_span():
    assert sheets.rows_span([1, 2, 3, 5, 7, 8]) == "1–3、5、7–8"


def test_the_best_row_of_the_first_ones_is_the_header():
    rows = [("标题",), ("", ""), ("姓名", "身份证号", "序号"), ("张三", "x")]
    header, rest = sheets.find_header(sheets.numbered(iter(rows)), lambda keys: sum(k in {"姓名", "身份证号"} for k in keys))
    assert (header.row, header.keys, header.titles) == (3, ["姓名", "身份证号", "序号"], [1])
    assert list(rest) == [(4, ("张三", "x"))]


# --- bombs ------------------------------------------------------------------------------------------


@pytest.fixture
def parses(monkeypatch):
    from zhifu_reopen.sheets import reader

    calls = []
    original = reader.calamine_sheet
    monkeypatch.setattr(reader, "calamine_sheet", lambda file, kind: calls.append(kind) or original(file, kind))
    return calls


def _xlsx(cells: dict[str, str]) -> bytes:
    book = openpyxl.Workbook()
    for ref, value in cells.items():
        book.active[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _open(content: bytes, name: str, max_rows: int = 1000):
    return sheets.open_sheet(io.BytesIO(content), name, max_rows=max_rows, max_bytes=20 * 1024 * 1024)


def test_a_long_sheet_with_a_far_right_cell_is_refused_before_parsing(parses, monkeypatch):
    monkeypatch.setattr(guard, "MAX_CELLS", 16384 * 50)
    with pytest.raises(sheets.SheetRefused) as info:
        _open(_xlsx({"A1": "x", "A60": "y", "XFD60": "z"}), "a.xlsx")
    assert info.value.status_code == 413 and "16384列" in info.value.message and parses == []
    sheet = _open(_xlsx({"A1": "x", "A40": "y", "XFD40": "z"}), "a.xlsx")  # within the grid: read
    assert sheet.last_row == 40 and parses == ["xlsx"]
    sheet.close()


def _ods(content_xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", sheets.reader.ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml",
                         '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                         '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                         'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
                         'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
                         'manifest:media-type="text/xml"/></manifest:manifest>')
        archive.writestr("content.xml", content_xml)
    return out.getvalue()


ODS_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            b'<office:body><office:spreadsheet><table:table table:name="S">')
ODS_TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"


def _row(text: str, *, rows: int = 1, columns: int = 1) -> bytes:
    return (f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
            f'table:number-columns-repeated="{columns}" office:value-type="string"><text:p>{text}</text:p>'
            f"</table:table-cell></table:table-row>").encode()


EMPTY_REST = (b'<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
              b'table:number-columns-repeated="1024"/></table:table-row>')


def test_an_ods_sheet_is_read_and_its_empty_rest_costs_nothing(parses):
    sheet = _open(_ods(ODS_HEAD + _row("姓名") + _row("张三") + EMPTY_REST + ODS_TAIL), "a.ods")
    assert sheet.kind == "ods" and list(sheet.rows) == [("姓名",), ("张三",)]
    sheet.close()


@pytest.mark.parametrize(("rows", "columns", "words"), [(2_000_000, 1, "第2000001行"), (500, 30_000, "30000列")])
def test_an_ods_bomb_of_repeated_rows_or_cells_is_refused_before_parsing(parses, rows, columns, words):
    content = _ods(ODS_HEAD + _row("姓名") + _row("x", rows=rows, columns=columns) + ODS_TAIL)
    assert len(content) < 5000
    with pytest.raises(sheets.SheetRefused) as info:
        _open(content, "a.ods", max_rows=5000)
    assert info.value.status_code == 413 and words in info.value.message and parses == []


def test_an_ods_content_with_entities_is_refused():
    content = _ods(ODS_HEAD.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>', 1) + _row("x") + ODS_TAIL)
    with pytest.raises(sheets.SheetRefused):
        _open(content, "a.ods")


def test_the_first_sheet_is_the_one_scanned(parses):
    """The scan follows workbook.xml to the sheet calamine reads, not simply sheet1.xml."""
    book = openpyxl.Workbook()
    book.active.title = "说明"
    data = book.create_sheet("数据", 0)  # first in the workbook, written as sheet2.xml
    data["A1"] = "x"
    data["A900"] = "y"
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert re.search(rb"sheet2", archive.read("xl/_rels/workbook.xml.rels"))
    with pytest.raises(sheets.SheetRefused) as info:
        _open(out.getvalue(), "a.xlsx", max_rows=500)
    assert "第900行" in info.value.message and parses == []
