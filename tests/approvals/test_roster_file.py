"""The roster upload reads the real rows of its workbook and refuses a bomb before parsing it (issue 7
§4–5): the same guard as the enterprise import (``zhifu_reopen.xlsx_guard``)."""

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


@pytest.fixture
def sheet_parses(monkeypatch):
    from openpyxl.worksheet import _reader

    calls = []
    original = _reader.WorkSheetParser.parse

    def parse(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(_reader.WorkSheetParser, "parse", parse)
    return calls


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
