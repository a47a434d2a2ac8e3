"""Issue 2 journey: a street official logs in, registers an enterprise, finds it with a filter, records a
survey visit, imports a small file with one bad row and sees that row's error, exports the list."""

import io

import openpyxl
import pytest

from enterprises.validators import make_credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = ["企业名称", "统一社会信用代码", "规模", "类别", "所属街道", "主管部门", "经营地址", "法定代表人",
           "防疫负责人", "防疫负责人手机", "员工人数"]


def small_import_file(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(["烟台导入一号商贸有限公司", make_credit_code("370602", 88000001), "规下", "一般", "向阳街道",
                  "商务局", "烟台市芝罘区南大街2号", "王伟", "李娜", "13800138001", 12])
    sheet.append(["烟台导入二号商贸有限公司", "91350100M000100Y4Z", "规下", "一般", "向阳街道",
                  "商务局", "烟台市芝罘区南大街3号", "王伟", "李娜", "13800138002", 8])
    path = tmp_path / "导入.xlsx"
    book.save(path)
    return path


def test_street_official_registry_journey(new_page, login, shot, personas, live_server, tmp_path):
    staff = personas["staff_xy"]
    page = new_page(viewport=(375, 812))  # a phone in the field
    login(page, staff)
    shot(page, "registry-01-home-phone")

    # Register an enterprise.
    page.goto(f"{live_server.url}/enterprises/new/")
    page.fill("#id_name", "烟台旅程测试食品有限公司")
    page.fill("#id_credit_code", "91350100M000100Y43")
    page.select_option("#id_scale", "small")
    page.select_option("#id_category", "livelihood")
    page.fill("#id_address", "烟台市芝罘区胜利路18号")
    page.fill("#id_prevention_contact", "张敏")
    page.fill("#id_prevention_mobile", "13912345678")
    page.fill("#id_employee_count", "36")
    page.wait_for_selector("#code-check .tag.success")  # the code is checked as it is typed
    shot(page, "registry-02-form-phone")
    page.click(".form-actions button[type=submit]")
    page.wait_for_selector("text=已登记企业")
    assert page.locator("h1").inner_text().startswith("烟台旅程测试食品有限公司")

    # Find it with a filter.
    page.goto(f"{live_server.url}/enterprises/")
    page.fill("#id_q", "旅程测试")
    page.select_option("#id_category", "livelihood")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#enterprise-table >> text=烟台旅程测试食品有限公司")
    assert page.locator("#enterprise-table tbody tr").count() == 1
    shot(page, "registry-03-filtered-phone")

    # Record a survey visit.
    page.click("#enterprise-table >> text=烟台旅程测试食品有限公司")
    page.fill("#visit-form #id_visited_on", "2020-02-15")
    page.select_option("#visit-form #id_observed_status", "reopened")
    page.fill("#visit-form #id_notes", "已落实测温登记和消毒")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("text=已记录走访")
    assert "已落实测温登记和消毒" in page.locator("#visits").inner_text()
    shot(page, "registry-04-visit-phone")

    # Import a small file with one bad row and see that row's error.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/enterprises/import/")
    page.set_input_files("input[type=file]", str(small_import_file(tmp_path)))
    page.click("form#import-form button[type=submit]")
    errors = page.wait_for_selector("#import-errors")
    text = errors.inner_text()
    assert "3" in text and "统一社会信用代码" in text
    shot(page, "registry-05-import-error")

    # Export the list.
    page.goto(f"{live_server.url}/enterprises/?q=旅程测试")
    with page.expect_download() as info:
        page.click("text=导出Excel")
    download = info.value
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert "企业名称" in rows[0]
    names = [row[rows[0].index("企业名称")] for row in rows[1:]]
    assert names == ["烟台旅程测试食品有限公司"]
