"""The roster upload reads the real rows of its workbook and refuses a bomb before parsing it (issue 7
§4–5): the same reader and guard as the enterprise import (``zhifu_reopen.sheets``)."""

import io

import psutil
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.services import applications as filing
from tests.approvals import helpers as h
from tests.enterprises.import_helpers import expanding, with_dimension, with_far_row
from zhifu_reopen.errors import DomainError

pytestmark = pytest.mark.django_db


def roster_bytes(count: int) -> bytes:
    rows = []
    for i in range(1, count + 1):
        data = h.employee_data(i)
        rows.append([data["name"], data["id_number"], data["mobile"], "芝罘区", "无", "健康"])
    return h.xlsx(rows).read()


def test_an_under_stated_dimension_header_does_not_drop_people(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    content = with_dimension(roster_bytes(6), "A1:F2")
    count = filing.roster_import(user=staff, application=app, upload=SimpleUploadedFile("花名册.xlsx", content))
    assert count == 6 and app.employees.count() == 6


BOMBS = {
    "expands": (lambda base: expanding(base, 24 * 1024 * 1024), "解压后"),
    "row_2e9": (lambda base: with_far_row(base, 2_000_000_000), "第2000000000行"),
    "row_2e7": (lambda base: with_far_row(base, 20_000_000), "第20000000行"),
}


@pytest.mark.parametrize("kind", list(BOMBS))
def test_roster_upload_refuses_a_bomb_before_parsing_it(client_for, staff, enterprise_xy, kind, monkeypatch,
                                                         sheet_parses):
    monkeypatch.setattr(filing, "ROSTER_MAX_UNCOMPRESSED", 4 * 1024 * 1024)
    build, words = BOMBS[kind]
    content = build(roster_bytes(1))
    assert len(content) < 100_000
    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    c = client_for("staff_xy")
    before = psutil.Process().memory_info().rss
    response = c.post(reverse("approvals:roster_import", args=[app.pk]),
                      {"file": SimpleUploadedFile("花名册.xlsx", content)})
    assert response.status_code == 413 and words in response.text and "花名册未导入" in response.text
    assert sheet_parses == []
    assert psutil.Process().memory_info().rss - before < 64 * 1024 * 1024
    assert not app.employees.exists()
    with pytest.raises(DomainError):
        filing.roster_import(user=staff, application=app, upload=SimpleUploadedFile("花名册.xlsx", content))
    assert sheet_parses == [] and not app.employees.exists()


def test_a_normal_roster_still_imports(staff, enterprise_xy, sheet_parses):
    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    assert filing.roster_import(user=staff, application=app, upload=SimpleUploadedFile(
        "花名册.xlsx", io.BytesIO(roster_bytes(3)).getvalue())) == 3
    assert sheet_parses  # the guard does not stop a normal file from being parsed


# --- the rosters firms really keep (issue 12 §5): the same reader as the enterprise import ---------------

def firm_roster_bytes(*, bad_row: bool = False) -> bytes:
    """A firm's own roster: a merged title, the header in row 2 with its own column names, a number
    column, an ID typed with a space and a lower-case x, a mobile stored as a number, then notes."""
    from openpyxl import Workbook

    people = [h.employee_data(i) for i in (1, 2, 3)]
    book = Workbook()
    sheet = book.active
    sheet.append(["烟台示例公司返岗员工花名册"])
    sheet.merge_cells("A1:G1")
    sheet.append(["序号", "员工姓名", "身份证号码", "联系电话", "现住址", "近14天行程", "健康状态"])
    first = people[0]["id_number"]
    sheet.append([1, people[0]["name"], f"{first[:6]} {first[6:-1]}{first[-1].lower()}", int(people[0]["mobile"]),
                  "芝罘区", "未离烟", "正常"])
    sheet.append([2, people[1]["name"], people[1]["id_number"], "1390" if bad_row else people[1]["mobile"],
                  "芝罘区", "", "健康"])
    sheet.append([3, people[2]["name"], people[2]["id_number"], people[2]["mobile"] + ".0", "莱山区", "", ""])
    sheet.append(["合计", "3人"])
    sheet.append(["填表人：王伟"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_a_firms_own_roster_in_each_format(staff, enterprise_xy, kind):
    from tests.office import office_convert

    content = firm_roster_bytes()
    if kind != "xlsx":
        content = office_convert(content, kind)
    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    count = filing.roster_import(user=staff, application=app, upload=SimpleUploadedFile(f"花名册.{kind}", content))
    assert count == 3
    people = {e.name: e for e in app.employees.all()}
    first = h.employee_data(1)
    assert people[first["name"]].id_number == first["id_number"].upper()  # the space and the lower-case x
    assert people[first["name"]].mobile == first["mobile"]  # a number cell
    assert people[h.employee_data(3)["name"]].mobile == h.employee_data(3)["mobile"]  # "139….0"
    assert {e.health_status for e in people.values()} == {"healthy"}  # 正常, 健康, empty


def test_a_bad_row_of_a_firms_roster_is_named_by_its_spreadsheet_row(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    with pytest.raises(DomainError) as info:
        filing.roster_import(user=staff, application=app,
                             upload=SimpleUploadedFile("花名册.xlsx", firm_roster_bytes(bad_row=True)))
    assert len(info.value.messages) == 1 and info.value.messages[0].startswith("第4行")
    assert not app.employees.exists()


def test_a_roster_in_gb18030_csv(staff, enterprise_xy):
    people = [h.employee_data(i) for i in (1, 2)]
    text = "花名册\n姓名,身份证号,手机,现居住地\n" + "".join(
        f"{p['name']},{p['id_number']},{p['mobile']},芝罘区\n" for p in people)
    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    upload = SimpleUploadedFile("花名册.csv", text.encode("gb18030"))
    assert filing.roster_import(user=staff, application=app, upload=upload) == 2


def test_an_id_number_excel_stored_as_a_number_gets_a_hint(staff, enterprise_xy):
    person = h.employee_data(1)
    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    upload = h.xlsx([[person["name"], float(person["id_number"][:-1] + "0"), person["mobile"], "芝罘区", "", "健康"]])
    with pytest.raises(DomainError) as info:
        filing.roster_import(user=staff, application=app, upload=upload)
    assert "存成了数字" in info.value.messages[0]


def test_a_roster_without_its_columns_names_what_is_missing(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    with pytest.raises(DomainError) as info:
        filing.roster_import(user=staff, application=app, upload=h.xlsx([["张三", "x"]], header=["姓名", "编号"]))
    assert info.value.code == "bad_header" and "身份证号" in info.value.message
