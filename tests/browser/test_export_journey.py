"""Issue 7 item 7: filters applied in place (htmx swaps the list body, the page does not reload) reach
导出Excel — the downloaded workbook has exactly the rows the list shows."""

import io

import openpyxl
import pytest

from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_after_filtering_in_place_matches_the_list(new_page, login, shot, personas, live_server, xy):
    for i in range(3):
        EnterpriseFactory(jurisdiction=xy, scale="venue", name=f"向阳导出便利店{i}")
    for i in range(5):
        EnterpriseFactory(jurisdiction=xy, scale="small", name=f"向阳导出商贸{i}有限公司")
    page = new_page()
    login(page, personas["staff_xy"])
    page.goto(f"{live_server.url}/enterprises/")
    assert page.locator("#enterprise-table tbody tr").count() == 8

    # Filter in place: choosing a scale swaps the list body (no page load).
    page.evaluate("() => { window.__notReloaded = true; }")
    with page.expect_response(lambda r: "/enterprises/?" in r.url and "scale=venue" in r.url):
        page.select_option("#id_scale", "venue")
    page.wait_for_function("() => document.querySelectorAll('#enterprise-table tbody tr').length === 3")
    assert page.evaluate("() => window.__notReloaded") is True
    shown = sorted(page.locator("#enterprise-table tbody tr td:first-child").all_inner_texts())
    assert shown == ["向阳导出便利店0", "向阳导出便利店1", "向阳导出便利店2"]
    shot(page, "export-01-filtered-in-place")

    with page.expect_download() as info:
        page.click("button:has-text(\"导出Excel\")")
    book = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    exported = sorted(row[rows[0].index("企业名称")] for row in rows[1:])
    assert len(rows) - 1 == 3
    assert exported == shown
