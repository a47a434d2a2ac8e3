"""Issue 7 §21 in Chromium at phone size: a street official types two returning employees in a row into
the open entry panel, then a bad row — which stays as typed with the error beside the ID field and focus on
it — corrects it in place and adds it. The same without JavaScript (full POST/redirect)."""

from datetime import date

import pytest

from approvals.validators import make_id_number
from tests.approvals import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    {"name": "王小明", "id_number": make_id_number("370602", date(1990, 5, 6), 12), "mobile": "13905351234",
     "residence": "芝罘区幸福路8号"},
    {"name": "刘小红", "id_number": make_id_number("370602", date(1992, 8, 9), 34), "mobile": "13905355678",
     "residence": "芝罘区南大街2号"},
    {"name": "陈小刚", "id_number": make_id_number("370602", date(1988, 1, 2), 56), "mobile": "13905359012",
     "residence": "芝罘区胜利路3号"},
]


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def type_row(page, person) -> None:
    for name in ("name", "id_number", "mobile", "residence"):
        page.fill(f"#employee-form #id_{name}", person[name])


def focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def entry_is_open(page) -> bool:
    return page.evaluate("document.getElementById('roster-add').open")


def roster_rows(page) -> int:
    return page.locator("#roster-table tbody tr").count()


def test_two_rows_in_a_row_then_a_bad_row_corrected_in_place(new_page, login, shot, personas, enterprise_xy,
                                                             live_server):
    staff = personas["staff_xy"]
    app = h.draft(staff, enterprise_xy, employees=1, materials=False)
    page = new_page(viewport=(375, 812))
    login(page, staff)
    page.goto(f"{live_server.url}/applications/{app.pk}/")
    assert not entry_is_open(page)  # a roster with people in it: the panel starts folded
    page.click("#roster-add > summary")

    for count, person in enumerate(PEOPLE[:2], start=2):
        type_row(page, person)
        page.click("#employee-form button[type=submit]")
        page.wait_for_selector("#roster-added")
        # Back in the open panel, empty, focus on its first field: ready for the next row.
        assert entry_is_open(page) and focused(page) == "id_name"
        assert page.input_value("#employee-form #id_name") == "" and page.input_value("#id_id_number") == ""
        assert roster_rows(page) == count and person["name"] in page.locator("#roster-table").inner_text()
        box = page.locator("#employee-form #id_name").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 812  # scrolled to, not left below the fold
    shot(page, "roster-01-two-added-phone")

    # A bad row: an ID number with a wrong check digit.
    bad = {**PEOPLE[2], "id_number": wrong_check_digit(PEOPLE[2]["id_number"])}
    type_row(page, bad)
    page.click("#employee-form button[type=submit]")
    page.wait_for_selector("#employee-form .field.has-error")
    assert entry_is_open(page)
    for name in ("name", "id_number", "mobile", "residence"):  # nothing typed is lost
        assert page.input_value(f"#employee-form #id_{name}") == bad[name]
    wrong = page.locator("#employee-form .field.has-error")
    assert wrong.count() == 1 and wrong.locator("#id_id_number").count() == 1
    assert "校验位" in wrong.locator(".error-text").inner_text()
    assert page.locator("#errors").count() == 0  # not at the top of the page
    assert focused(page) == "id_id_number"
    assert roster_rows(page) == 3
    shot(page, "roster-02-bad-row-phone")

    # Corrected in place, without retyping the rest.
    page.fill("#employee-form #id_id_number", PEOPLE[2]["id_number"])
    page.click("#employee-form button[type=submit]")
    page.wait_for_selector("#roster-added")
    assert roster_rows(page) == 4 and focused(page) == "id_name"
    assert set(app.employees.values_list("name", flat=True)) >= {p["name"] for p in PEOPLE}
    shot(page, "roster-03-corrected-phone")


def test_the_same_without_javascript(browser, personas, enterprise_xy, live_server):
    from tests.conftest import PASSWORD

    staff = personas["staff_xy"]
    app = h.draft(staff, enterprise_xy, employees=1, materials=False)
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN",
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", staff.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/applications/{app.pk}/")
        page.click("#roster-add > summary")
        type_row(page, PEOPLE[0])
        page.click("#employee-form button[type=submit]")
        page.wait_for_selector("#roster-added")
        assert entry_is_open(page) and focused(page) == "id_name"
        bad = {**PEOPLE[1], "mobile": "2390535"}
        type_row(page, bad)
        page.click("#employee-form button[type=submit]")
        page.wait_for_selector("#employee-form .field.has-error")
        assert entry_is_open(page) and focused(page) == "id_mobile"
        assert page.input_value("#employee-form #id_name") == bad["name"]
        assert page.locator("#employee-form .field.has-error #id_mobile").count() == 1
        assert app.employees.count() == 2
    finally:
        context.close()
