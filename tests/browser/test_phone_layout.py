"""Issue 7 §20 at a 375×812 phone: the navigation folds behind a menu button whose links (待办, 公示牌 …)
are on screen and work; the queue, the roster, the materials, the enterprise list and the home page's coverage
table fit the screen, their deadline and action cells inside the viewport (no sideways cutting). Without
JavaScript the menu stays open. Screenshots of each page at desk (1280) and phone (375) size."""

from datetime import date

import pytest

from tests.approvals import helpers as h
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = (375, 812)
DESK = (1280, 900)


# For each element in turn: scrolls the window (only the window, only down or up) to it, then reports its
# box and whether the point at its centre is the element itself: not clipped by a scrolling container, not
# covered. All in one call on the elements of that moment, so a swap in between cannot detach one.
ON_SCREEN_JS = """els => els.map(el => {
  window.scrollBy(0, el.getBoundingClientRect().top - window.innerHeight / 3);
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {x: r.left, y: r.top, width: r.width, height: r.height, hit: !!hit && (hit === el || el.contains(hit))};
})"""
# Functions, not bare expressions: Playwright polls a bare expression through eval(), which the page's
# Content-Security-Policy (no 'unsafe-eval') refuses.
HTMX_IDLE_JS = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"


def inside_viewport(page, locator, what: str) -> None:
    """``locator`` (every match) is wholly on screen once the page is scrolled down to it: nothing to its
    right that a sideways scroll would be needed for, and nothing hiding it."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    page.wait_for_function(HTMX_IDLE_JS)
    boxes = locator.evaluate_all(ON_SCREEN_JS)
    assert boxes, f"no {what}"
    for i, box in enumerate(boxes):
        assert box["width"] > 0 and box["height"] > 0, f"{what} #{i} not shown"
        # (a pixel of slack: scrolling lands on sub-pixel positions)
        assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, f"{what} #{i} cut sideways: {box}"
        assert box["y"] >= -1 and box["y"] + box["height"] <= height + 1, f"{what} #{i} off screen: {box}"
        assert box["hit"], f"{what} #{i} hidden under something or clipped: {box}"


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.fixture
def world(personas, xy, gxj):
    """Three applications of 向阳街道 filed by staff_xy, waiting for the street step of staff_xy2; one
    draft with a roster."""
    staff = personas["staff_xy"]
    reviewer = h.colleague(staff)
    queued = [h.submitted(staff, EnterpriseFactory(jurisdiction=xy, department=gxj, scale="small",
                                                   name=f"烟台手机版测试第{i}食品有限公司"))
              for i in range(3)]
    draft = h.draft(staff, EnterpriseFactory(jurisdiction=xy, department=gxj, scale="small",
                                             name="烟台手机版花名册测试有限公司"), employees=3)
    return {"staff": staff, "reviewer": reviewer, "queued": queued, "draft": draft}


def test_the_menu_opens_and_its_links_are_on_screen_and_work(new_page, login, shot, world, live_server):
    page = new_page(viewport=PHONE)
    login(page, world["staff"])
    todo = page.locator("nav.nav a", has_text="待办")
    placards = page.locator("nav.nav a", has_text="公示牌")
    toggle = page.locator("#menu-toggle")
    # Folded: the button is there, the links are not (nothing runs off the screen).
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not todo.is_visible() and not placards.is_visible()
    no_sideways_scroll(page)
    shot(page, "phone-01-home-menu-closed")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    inside_viewport(page, todo, "待办 link")
    inside_viewport(page, placards, "公示牌 link")
    no_sideways_scroll(page)
    shot(page, "phone-02-menu-open")
    todo.click()
    page.wait_for_url(f"{live_server.url}/applications/queue/")
    # The menu folds again on the new page; it reaches 公示牌 the same way. Escape closes it.
    assert not placards.is_visible()
    toggle.click()
    page.keyboard.press("Escape")
    assert not placards.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    placards.click()
    page.wait_for_url(f"{live_server.url}/placards/")

    # At desk size there is no button: the links are in the bar.
    desk = new_page(viewport=DESK)
    login(desk, world["staff"])
    assert not desk.locator("#menu-toggle").is_visible()
    assert desk.locator("nav.nav a", has_text="待办").is_visible()
    shot(desk, "desk-01-home")


def test_without_javascript_the_menu_stays_open(browser, world, live_server):
    from tests.conftest import PASSWORD

    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN",
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", world["staff"].username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        assert not page.locator("#menu-toggle").is_visible()  # a button that could not work is not shown
        inside_viewport(page, page.locator("nav.nav a", has_text="待办"), "待办 link")
        inside_viewport(page, page.locator("nav.nav a", has_text="公示牌"), "公示牌 link")
        no_sideways_scroll(page)
        page.locator("nav.nav a", has_text="待办").click()
        page.wait_for_url(f"{live_server.url}/applications/queue/")
    finally:
        context.close()


def test_the_queue_fits_a_phone_with_its_deadline_and_action(new_page, login, shot, world, live_server):
    page = new_page(viewport=PHONE)
    login(page, world["reviewer"], password="zhifu-test-pw")
    page.goto(f"{live_server.url}/applications/queue/")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 3
    no_sideways_scroll(page)
    # (structural selectors: the same cells as before the phone layout, by their column)
    inside_viewport(page, page.locator("table.queue tbody td:nth-child(5)"), "deadline cell")
    inside_viewport(page, page.locator("table.queue tbody td:nth-child(6)"), "time-left cell")
    inside_viewport(page, page.locator("table.queue tbody td:last-child"), "action cell")
    for i in range(3):  # the deadline is the real one, next to its label
        deadline = rows.nth(i).locator("td:nth-child(5)")
        assert "办理时限" in deadline.evaluate("td => getComputedStyle(td, '::before').content")
        assert deadline.inner_text().startswith(str(date.today().year))
    shot(page, "phone-03-queue")
    # The action is thumb-sized and opens the application.
    action = page.locator("table.queue td.card-action a").first
    assert action.bounding_box()["height"] >= 32
    action.click()
    page.wait_for_selector("#decide")
    # The materials table of the application fits too, its verdict inputs on screen.
    no_sideways_scroll(page)
    inside_viewport(page, page.locator("#materials table tbody td:last-child"), "verdict cell")
    shot(page, "phone-04-application-review")

    desk = new_page(viewport=DESK)
    login(desk, world["reviewer"], password="zhifu-test-pw")
    desk.goto(f"{live_server.url}/applications/queue/")
    inside_viewport(desk, desk.locator("table.queue td.card-action a"), "action button (desk)")
    assert desk.locator("table.queue thead th").count() == 7  # a table at desk size, not cards
    shot(desk, "desk-02-queue")


def test_the_roster_and_materials_fit_a_phone(new_page, login, shot, world, live_server):
    app = world["draft"]
    page = new_page(viewport=PHONE)
    login(page, world["staff"])
    page.goto(f"{live_server.url}/applications/{app.pk}/")
    rows = page.locator("#roster table tbody tr")
    assert rows.count() == 3
    no_sideways_scroll(page)
    inside_viewport(page, page.locator("#roster table tbody td:last-child button"), "remove button")
    inside_viewport(page, page.locator("#roster table tbody td"), "roster cell")
    inside_viewport(page, page.locator("#materials table tbody td"), "materials cell")
    shot(page, "phone-05-application-roster")
    # The remove action works from the card.
    first = app.employees.order_by("id").first()
    rows.first.locator("td:last-child button").click()
    page.wait_for_selector("text=已移除")
    assert not app.employees.filter(pk=first.pk).exists()

    desk = new_page(viewport=DESK)
    login(desk, world["staff"])
    desk.goto(f"{live_server.url}/applications/{app.pk}/")
    inside_viewport(desk, desk.locator("#roster table tbody td:last-child button"), "remove button (desk)")
    shot(desk, "desk-03-application-roster")


def test_the_enterprise_list_and_the_coverage_table_fit_a_phone(new_page, login, shot, world, live_server):
    page = new_page(viewport=PHONE)
    login(page, world["staff"])
    # The home page's coverage table: every column on screen.
    coverage = page.locator("section.card", has_text="走访摸排覆盖").locator("table")
    assert coverage.count() == 1
    no_sideways_scroll(page)
    inside_viewport(page, coverage.locator("tbody td:last-child"), "coverage share")
    inside_viewport(page, coverage.locator("th:last-child"), "coverage header")
    shot(page, "phone-06-home-coverage")
    page.goto(f"{live_server.url}/enterprises/")
    rows = page.locator("#enterprise-table tbody tr")
    assert rows.count() >= 4
    no_sideways_scroll(page)
    for column in ("td:first-child a", "td:last-child", "td:nth-child(2)"):
        inside_viewport(page, page.locator(f"#enterprise-table tbody tr {column}"), f"enterprise list {column}")
    shot(page, "phone-07-enterprise-list")
    # Filtered in place (htmx swaps the rows): still cards, still on screen.
    page.fill("#id_q", "花名册测试")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_function("() => document.querySelectorAll('#enterprise-table tbody tr').length === 1")
    inside_viewport(page, page.locator("#enterprise-table tbody td"), "filtered enterprise cell")

    desk = new_page(viewport=DESK)
    login(desk, world["staff"])
    shot(desk, "desk-04-home-coverage")
    desk.goto(f"{live_server.url}/enterprises/")
    assert desk.locator("#enterprise-table thead th").first.is_visible()
    shot(desk, "desk-05-enterprise-list")
