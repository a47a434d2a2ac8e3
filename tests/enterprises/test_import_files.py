"""The files streets really have (issue 12 §4): .xls and .ods and LibreOffice's .xlsx beside openpyxl's,
GB18030 CSV; title rows above the header, notes rows below the data, other column names, values as people
type them — each row imported or named with its row number as the official sees it in the spreadsheet."""

from __future__ import annotations

import pytest

from enterprises.models import Enterprise, Scale
from enterprises.services.importing import MODE_REPORT, ImportFileError, enterprise_import
from enterprises.validators import make_credit_code
from tests.enterprises.import_helpers import (
    register_csv_bytes,
    register_xlsx_bytes,
    row,
    upload,
    xlsx_bytes,
)
from tests.office import office_convert

pytestmark = pytest.mark.django_db

CODES = [make_credit_code("370602", 80000000 + n) for n in (1, 2, 3)]


@pytest.fixture
def staff(personas, xy):
    return personas["staff_xy"]


def run(user, content: bytes, name: str, dry_run: bool = False):
    return enterprise_import(user=user, file=upload(content, name), filename=name, mode=MODE_REPORT,
                             dry_run=dry_run)


def register(kind: str, bad_mobile: bool = False) -> tuple[bytes, str]:
    """The street's register as written by openpyxl, or saved by LibreOffice as .xls, .ods or .xlsx."""
    content = register_xlsx_bytes(bad_mobile)
    if kind == "openpyxl":
        return content, "复工企业.xlsx"
    if kind == "libreoffice-xlsx":
        return office_convert(office_convert(content, "ods"), "xlsx", source="ods"), "复工企业.xlsx"
    return office_convert(content, kind), f"复工企业.{kind}"


KINDS = ["openpyxl", "xls", "ods", "libreoffice-xlsx"]


def warnings_by_row(result) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for w in result.warnings:
        found.setdefault(w.row, []).append(f"{w.column}:{w.message}")
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_a_streets_register_imports_its_firms_and_names_every_other_row(staff, kind):
    content, name = register(kind)
    result = run(staff, content, name)
    assert result.ok and result.written, [e.as_dict() for e in result.errors]
    assert (result.rows, result.created) == (3, 3)
    firms = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=CODES)}
    assert sorted(firms) == sorted(CODES)  # the full-width code with a space stored as its 18 characters
    first, second, third = (firms[c] for c in CODES)
    assert (first.scale, first.category, first.employee_count) == (Scale.LARGE, "livelihood", 25)  # 规模以上
    assert first.prevention_mobile == "13912345678"  # a number cell
    assert second.prevention_mobile == "13912345679"  # 13912345679.0
    assert third.prevention_mobile == "13912345680" and third.scale == Scale.VENUE  # spaces typed in it
    notes = warnings_by_row(result)
    assert "第1–2行" in notes[1][0] and "第3行" in notes[1][0]  # the title rows above the header
    assert any("序号" in w for w in notes[3])  # a column the template does not have
    assert any(w.startswith("统一社会信用代码:") for w in notes[4])  # full-width characters rewritten
    assert any(w.startswith("防疫负责人手机:") for w in notes[6])
    for number, words in ((7, "合计"), (8, "填表人"), (9, "备注")):
        assert words in notes[number][0] and "未作为数据导入" in notes[number][0]
    assert 5 not in notes  # a row typed as the template wants it gets no remark


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_row_of_a_register_is_named_with_its_spreadsheet_row(staff, kind):
    content, name = register(kind, bad_mobile=True)
    result = run(staff, content, name)
    assert not result.written and Enterprise.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(5, "防疫负责人手机")]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_a_register_saved_as_csv(staff, encoding):
    result = run(staff, register_csv_bytes(encoding), "复工企业.csv")
    assert result.ok and result.created == 3
    notes = warnings_by_row(result)
    assert "第1行" in notes[1][0] and "第3行" in notes[1][0]  # row 2 is empty: not named as a title
    assert sorted(n for n, ws in notes.items() if any("说明行" in w for w in ws)) == [7, 8, 9]
    assert Enterprise.objects.get(credit_code=CODES[1]).prevention_mobile == "13912345679"


def test_an_xlsx_saved_with_an_xls_name_is_read_as_what_it_is(staff):
    result = run(staff, xlsx_bytes([row(1), row(2)]), "企业.xls")
    assert result.created == 2


def test_an_xls_saved_with_an_xlsx_name_is_read_as_what_it_is(staff):
    result = run(staff, office_convert(xlsx_bytes([row(1), row(2)]), "xls"), "企业.xlsx")
    assert result.created == 2


def test_a_web_page_saved_as_xls_is_refused_with_its_reason(staff):
    page = "<html><body><table><tr><td>企业名称</td></tr></table></body></html>".encode()
    with pytest.raises(ImportFileError) as info:
        run(staff, page, "导出.xls")
    assert info.value.code == "file_type" and "网页" in info.value.message


def test_a_header_further_down_than_the_first_rows_is_not_guessed(staff):
    from enterprises.services.importing import HEADERS

    assert run(staff, xlsx_bytes([["标题"]] * 9 + [HEADERS, row(1)], headers=None), "企业.xlsx").created == 1
    Enterprise.objects.all().delete()
    with pytest.raises(ImportFileError) as info:
        run(staff, xlsx_bytes([["标题"]] * 10 + [HEADERS, row(1)], headers=None), "企业.xlsx")
    assert info.value.code == "headers" and "前10行" in info.value.message


def test_a_firm_named_like_a_notes_marker_is_still_a_firm(staff):
    result = run(staff, xlsx_bytes([row(1, 企业名称="合计商贸有限公司")]), "企业.xlsx")
    assert result.created == 1 and not result.warnings


def test_a_notes_row_in_the_middle_is_skipped_and_the_rows_after_it_count(staff):
    result = run(staff, xlsx_bytes([row(1), ["小计"], row(2)]), "企业.xlsx")
    assert result.created == 2 and [w.row for w in result.warnings] == [3]


@pytest.mark.parametrize(("typed", "stored", "warned"), [
    (13912345678, "13912345678", False),
    ("13912345678.0", "13912345678", True),
    ("+86 139-1234-5678", "13912345678", True),
    ("１３９１２３４５６７８", "13912345678", True),
])
def test_mobiles_as_people_type_them(staff, typed, stored, warned):
    result = run(staff, xlsx_bytes([row(1, 防疫负责人手机=typed)]), "企业.xlsx")
    assert result.created == 1
    assert Enterprise.objects.get().prevention_mobile == stored
    assert bool(result.warnings) is warned


@pytest.mark.parametrize(("typed", "code"), [("规模以上", Scale.LARGE), ("规模以下企业", Scale.SMALL),
                                             ("九小", Scale.VENUE), (" 规上 ", Scale.LARGE)])
def test_scale_label_variants(staff, typed, code):
    assert run(staff, xlsx_bytes([row(1, 规模=typed)]), "企业.xlsx").created == 1
    assert Enterprise.objects.get().scale == code


def test_a_made_up_label_is_still_refused(staff):
    result = run(staff, xlsx_bytes([row(1, 规模="大型")]), "企业.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(2, "规模")]
