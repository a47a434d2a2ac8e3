"""Build import files in tests (openpyxl / csv), with valid rows by default."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from enterprises.services.importing import HEADERS
from enterprises.validators import make_credit_code


def row(serial: int, **changes) -> list:
    """A valid row for 向阳街道; ``changes`` by header name."""
    values = {
        "企业名称": f"烟台导入测试{serial}商贸有限公司",
        "统一社会信用代码": make_credit_code("370602", 70000000 + serial),
        "规模": "规下",
        "类别": "一般",
        "所属街道": "向阳街道",
        "主管部门": "商务局",
        "经营地址": f"烟台市芝罘区南大街{serial}号",
        "法定代表人": "王伟",
        "防疫负责人": "李娜",
        "防疫负责人手机": "13800138000",
        "员工人数": 12,
    }
    values.update(changes)
    return [values[h] for h in HEADERS]


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if headers is not None:
        sheet.append(list(headers))
    for r in rows:
        sheet.append(list(r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, headers=HEADERS, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if headers is not None:
        writer.writerow(headers)
    for r in rows:
        writer.writerow(["" if v is None else v for v in r])
    return out.getvalue().encode(encoding)


def upload(content: bytes, name: str = "企业.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def xlsx(rows, headers=HEADERS, name="企业.xlsx") -> SimpleUploadedFile:
    return upload(xlsx_bytes(rows, headers), name)


def csvfile(rows, headers=HEADERS, encoding="utf-8-sig", name="企业.csv") -> SimpleUploadedFile:
    return upload(csv_bytes(rows, headers, encoding), name)


# --- hostile workbooks (issue 7 §4–5), built with zipfile --------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"


def sheet_rewrite(content: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change(bytes) -> bytes``."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == SHEET else data)
    return out.getvalue()


def with_dimension(content: bytes, ref: str) -> bytes:
    """The workbook with a <dimension> header that says ``ref``, whatever the sheet holds."""
    import re

    return sheet_rewrite(content, lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(),
                                                     xml))


def with_far_row(content: bytes, row_number: int) -> bytes:
    """One more cell, at ``row_number`` (the dimension left as it was): a few KB on disk."""
    cell = f'<row r="{row_number}"><c r="A{row_number}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    return sheet_rewrite(content, lambda xml: xml.replace(b"</sheetData>", cell + b"</sheetData>"))


def expanding(content: bytes, padding: int) -> bytes:
    """The workbook with ``padding`` bytes of whitespace inside its sheet XML (still a valid sheet): a
    small file that inflates to ``padding`` bytes."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != SHEET:
                target.writestr(item.filename, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with target.open(item.filename, "w") as stream:
                stream.write(head)
                block = b" " * (1 << 20)
                for _ in range(padding // len(block)):
                    stream.write(block)
                stream.write(b"</sheetData>" + tail)
    return out.getvalue()


# --- a street's own register (issue 12 §4): title rows, other column names, notes rows ---------------

REGISTER_HEADERS = ["序号", "单位名称", "信用代码", "企业规模", "类别", "街道", "主管部门", "地址", "法人",
                    "防疫负责人", "联系电话", "职工人数", "登记时间"]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def register_rows(bad_mobile: bool = False) -> list[list]:
    """Three firms as a street types them: a code in full-width characters with a space, mobiles stored
    as numbers, 规模以上, a date as an Excel serial number; then a total row and two notes rows."""
    first, second, third = (make_credit_code("370602", 80000000 + n) for n in (1, 2, 3))
    return [
        [1, "烟台登记表一商贸有限公司", full_width(first[:9]) + " " + full_width(first[9:]), "规模以上", "民生保障类",
         "向阳街道", "商务局", "烟台市芝罘区南大街1号", "王伟", "李娜", 13912345678, 25, 43871],
        [2, "烟台登记表二商贸有限公司", second, "规下", "一般", "向阳街道", "", "烟台市芝罘区南大街2号", "王伟",
         "李娜", "1391234" if bad_mobile else 13912345679.0, "12", 43872],
        [3, "烟台登记表三餐饮店", third, "九小场所", "民生保障", "向阳街道", "", "烟台市芝罘区南大街3号", "",
         "赵敏", " 139 1234 5680 ", "3", "2020-02-12"],
        ["合计", None, None, None, None, None, None, None, None, None, None, 40, None],
        ["填表人：张三", None, None, None, None, None, None, None, "联系电话：0535-6212345"],
        ["备注：本表由社区网格员于2月10日填报。"],
    ]


def register_xlsx_bytes(bad_mobile: bool = False) -> bytes:
    """Row 1 a merged title, row 2 who filled it in, row 3 the header, rows 4–6 firms, rows 7–9 notes."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "复工企业"
    sheet.append(["向阳街道企业复工情况统计表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(REGISTER_HEADERS))
    sheet.append(["填报单位：向阳街道办事处", None, None, None, None, None, None, None, None, None, "填报日期：2020年2月10日"])
    sheet.append(REGISTER_HEADERS)
    for values in register_rows(bad_mobile):
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def register_csv_bytes(encoding: str = "gb18030") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["向阳街道企业复工情况统计表"])
    writer.writerow([])
    writer.writerow(REGISTER_HEADERS)
    for values in register_rows():
        writer.writerow(["" if v is None else v for v in values])
    return out.getvalue().encode(encoding)
