"""Export of the enterprise list to .xlsx: filters, scope, the job path, and the shared exporter."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from enterprises.services import exporting
from enterprises.services.importing import HEADERS, MODE_UPDATE, enterprise_import
from tests.enterprises.import_helpers import upload
from tests.factories import EnterpriseFactory
from zhifu_reopen.export import xlsx_build
from zhifu_reopen.models import Job
from zhifu_reopen.params import cursor_encode

pytestmark = pytest.mark.django_db


def export(client, query: str = ""):
    url = reverse("enterprises:export") + (f"?{query}" if query else "")
    return client.post(url)


def sheet_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def names(rows) -> set[str]:
    return {r[0] for r in rows[1:]}


@pytest.fixture
def enterprises(xy, ds, gxj, swj):
    return {
        "xy_small": EnterpriseFactory(jurisdiction=xy, department=gxj, scale="small", name="向阳小微商贸有限公司"),
        "xy_venue": EnterpriseFactory(jurisdiction=xy, department=swj, scale="venue", name="向阳便利店"),
        "ds_small": EnterpriseFactory(jurisdiction=ds, department=swj, scale="small", name="东山小微商贸有限公司"),
    }


def test_export_has_the_import_columns_then_the_extra_ones(client_for, enterprises):
    response = export(client_for("staff_xy"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert list(rows[0][: len(HEADERS)]) == HEADERS
    assert list(rows[0]) == exporting.EXPORT_HEADERS
    row = next(r for r in rows if r[0] == "向阳便利店")
    enterprise = enterprises["xy_venue"]
    assert row[:11] == (enterprise.name, enterprise.credit_code, "九小场所", "一般", "向阳街道", "商务局", enterprise.address,
                        "王伟", "李娜", "13800138000", 20)
    assert row[11] == "未复工"


def test_export_is_scoped_to_the_user(client_for, enterprises):
    assert names(sheet_rows(export(client_for("staff_xy")))) == {"向阳小微商贸有限公司", "向阳便利店"}
    assert names(sheet_rows(export(client_for("staff_ds")))) == {"东山小微商贸有限公司"}
    assert names(sheet_rows(export(client_for("dept_gxj")))) == {"向阳小微商贸有限公司"}
    assert len(sheet_rows(export(client_for("taskforce")))) == 4


def test_export_respects_the_filters(client_for, enterprises, ds):
    client = client_for("taskforce")
    assert names(sheet_rows(export(client, "scale=small"))) == {"向阳小微商贸有限公司", "东山小微商贸有限公司"}
    assert names(sheet_rows(export(client, f"scale=small&jurisdiction={ds.pk}"))) == {"东山小微商贸有限公司"}
    assert names(sheet_rows(export(client, "q=便利店"))) == {"向阳便利店"}
    # A filter cannot widen the scope: 东山 asked by a 向阳 official gives nothing.
    assert names(sheet_rows(export(client_for("staff_xy"), f"jurisdiction={ds.pk}"))) == set()


def test_text_that_excel_would_run_is_written_as_text(client_for, xy):
    EnterpriseFactory(jurisdiction=xy, name="=HYPERLINK(\"http://evil\",\"点我\")")
    content = b"".join(export(client_for("staff_xy")).streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    code = sheet["B2"]
    assert code.data_type == "s"


def test_export_is_post_only(client_for, enterprises):
    assert client_for("staff_xy").get(reverse("enterprises:export")).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_big_export_runs_on_a_job_and_downloads_from_the_job_page(client_for, enterprises, monkeypatch):
    monkeypatch.setattr(exporting, "EXPORT_INLINE_MAX_ROWS", 1)
    client = client_for("staff_xy")
    assert export(client, "scale=venue").status_code == 200  # one row: at once
    assert not Job.objects.exists()
    response = export(client)
    job = Job.objects.get(kind="enterprise_export")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert "已导出2家企业" in job.result["summary"]
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert names(sheet_rows(download)) == {"向阳小微商贸有限公司", "向阳便利店"}
    # Someone else cannot fetch that file.
    assert client_for("staff_ds").get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_an_exported_list_imports_back_unchanged(client_for, personas, enterprises):
    content = b"".join(export(client_for("staff_xy")).streaming_content)
    result = enterprise_import(user=personas["staff_xy"], file=upload(content, "名录.xlsx"), filename="名录.xlsx",
                               mode=MODE_UPDATE, dry_run=False)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_xlsx_build_writes_headers_rows_and_types():
    output = xlsx_build(["名称", "日期", "数量", "空", "代码"],
                        [("甲", date(2020, 2, 15), 3, None, "0012"), ("+1", None, 0, "", 12)],
                        title="测试", text_columns=(4,))
    sheet = openpyxl.load_workbook(output).active
    assert sheet.title == "测试"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("名称", "日期", "数量", "空", "代码")
    assert rows[1][0] == "甲" and rows[1][1].date() == date(2020, 2, 15) and rows[1][2] == 3
    assert rows[1][4] == "0012" and rows[2][4] == "12"
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "+1"


def export_action(body: str) -> str:
    import html
    import re

    match = re.search(r'<form method="post" action="([^"]*)"[^>]*id="export-form"', body)
    assert match, "no export form in the page"
    return html.unescape(match.group(1))


@pytest.mark.parametrize("htmx", [True, False], ids=["filtered-in-place", "full-page"])
def test_the_export_link_carries_the_filters_the_list_shows(client_for, enterprises, ds, htmx):
    """Filters applied in place (htmx swaps only the list body) must reach the export: the export form
    is rendered inside the swapped fragment, from the same parsed filters as the rows (issue 7 item 7)."""
    client = client_for("taskforce")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    cursor = cursor_encode("", 0)  # a page cursor (before every enterprise): carried by the list, not a filter
    response = client.get(f"{reverse('enterprises:list')}?scale=small&jurisdiction={ds.pk}&after={cursor}", **headers)
    assert response.status_code == 200
    action = export_action(response.content.decode())
    assert action.startswith(reverse("enterprises:export") + "?")
    assert "scale=small" in action and f"jurisdiction={ds.pk}" in action
    assert "after=" not in action  # a page cursor is not a filter
    exported = names(sheet_rows(client.post(action)))
    assert exported == {"东山小微商贸有限公司"}
    # Without filters the export is the whole (scoped) list again.
    response = client.get(reverse("enterprises:list"), **headers)
    assert export_action(response.content.decode()) == reverse("enterprises:export")


@pytest.mark.parametrize("user, full", [
    ("staff_xy", True), ("taskforce", True),
    ("secretary_xy", False), ("director_xy", False), ("dept_gxj", False), ("inspector_d1", False),
    ("inspector_xy", False), ("liaison_xy", False),
])
def test_the_prevention_mobile_is_masked_for_roles_that_may_not_see_it(client_for, personas, enterprises, user, full):
    """Only the street staff of the enterprise's street and the task force get the prevention contact's
    mobile; every other role's export (and the enterprise page) shows it masked like the roster's (issue 7
    item 15)."""
    from enterprises.models import LiaisonAssignment

    enterprise = enterprises["xy_small"]
    LiaisonAssignment.objects.create(liaison=personas["liaison_xy"], enterprise=enterprise)
    client = client_for(user)
    rows = sheet_rows(export(client))
    header = rows[0].index("防疫负责人手机")
    row = next(r for r in rows if r[0] == enterprise.name)
    assert row[header] == ("13800138000" if full else "138****8000")
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert ("13800138000" in page) is full and ("138****8000" in page) is not full


def test_street_staff_see_the_mobile_of_their_own_street_only(personas, xy, ds):
    from enterprises.selectors import contact_mobile_visible

    sees = contact_mobile_visible(personas["staff_ds"])
    assert sees(ds.pk) and not sees(xy.pk)
