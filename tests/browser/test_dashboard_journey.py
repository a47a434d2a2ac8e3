"""Issue 11 journey: the task force opens the dashboard, reads a street's 复工率, drills down into that
street's firms not yet reopened, exports them and downloads today's daily report; the dashboard at desktop
and at 375 px (charts drawn, no sideways scroll)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dashboards.services.reports import daily_report_make
from tests.browser.test_phone_layout import no_sideways_scroll
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_task_force_reads_drills_exports_and_downloads(new_page, login, shot, personas, xy, ds, live_server):
    for i, status in enumerate(("reopened", "reopened", "not_reopened", "not_reopened")):
        EnterpriseFactory(jurisdiction=xy, operating_status=status, name=f"烟台统计测试第{i}有限公司")
    EnterpriseFactory(jurisdiction=ds, operating_status="reopened")
    daily_report_make()
    page = new_page()
    login(page, personas["taskforce"])
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("#chart-ranking svg")  # ECharts drew it (vendored, no CDN)
    assert "数据截至" in page.locator("#as-of").inner_text()
    row = page.locator("#ranking tr", has_text="向阳街道")
    assert "50.0%" in row.inner_text()
    shot(page, "dashboard-1-district-desk")
    row.locator("a").first.click()
    page.wait_for_selector("#kpi-reopen_rate")
    assert "50.0%" in page.locator("#kpi-reopen_rate").inner_text()
    page.click("#kpi-reopen_rate a.kpi-value")  # drills down into the firms not reopened
    page.wait_for_selector("#drill-rows")
    assert "共 2 条" in page.locator("#list-count").inner_text()
    with page.expect_download() as download:
        page.click("#list-export")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet.max_row == 3 and "烟台统计测试" in sheet.cell(2, 1).value
    page.goto(f"{live_server.url}/reports/")
    with page.expect_download() as report:
        page.locator("#reports a", has_text="PDF").first.click()
    assert Path(report.value.path()).read_bytes()[:4] == b"%PDF"

    phone = new_page(viewport=(375, 812))
    login(phone, personas["taskforce"])
    phone.goto(f"{live_server.url}/dashboard/")
    phone.wait_for_selector("#chart-trend svg")
    no_sideways_scroll(phone)
    shot(phone, "dashboard-2-district-phone")
    street = new_page(viewport=(375, 812))
    login(street, personas["staff_xy"])
    street.goto(f"{live_server.url}/dashboard/")
    street.wait_for_selector("#daily-missing-link")
    no_sideways_scroll(street)
    shot(street, "dashboard-3-street-phone")
