"""Issue 9 journey at 375 px: a street team's inspector starts an inspection from a placard's verify page,
records two findings with photos and orders rectification; a re-inspection closes one and stops work on
the other; the verify page then says suspended. A district-team inspector records an unauthorised opening
and the street sees the new venue and its finding."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from accounts.models import Notification
from enterprises.choices import OperatingStatus
from enterprises.models import Enterprise
from inspections.models import RectificationOrder
from inspections.services.checklists import checklist_for
from tests.placards.helpers import approve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = (375, 740)


def photo(name: str) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "orange").save(out, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": out.getvalue()}


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0], page.url


def test_patrol_journey(new_page, login, shot, personas, enterprise_xy, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    enterprise_xy.name = "烟台巡查旅程食品有限公司"
    enterprise_xy.operating_status = OperatingStatus.REOPENED
    enterprise_xy.save()
    placard = approve(enterprise_xy, personas["secretary_xy"])
    inspector, district, staff = personas["inspector_xy"], personas["inspector_d1"], personas["staff_xy"]
    items = {item.code: item for item in checklist_for(enterprise_xy, "routine").items.all()}

    # The street team's inspector scans the placard: signed in, the verify page offers the inspection.
    page = new_page(viewport=PHONE)
    login(page, inspector)
    page.goto(f"/v/{placard.token}/")
    shot(page, "patrol-01-verify-signed-in")
    page.click("#start-inspection")
    page.wait_for_selector("#record-form")
    fits(page)
    for code, item in items.items():
        answer = "no" if code in ("masks", "disinfection") else "yes"
        page.click(f'.item[data-item="{item.pk}"] input[value="{answer}"] + span')
    for code, note in (("masks", "前台两名员工未戴口罩"), ("disinfection", "近三日无消毒记录")):
        item = items[code]
        page.fill(f'input[name="note-{item.pk}"]', note)
        page.select_option(f'select[name="action-{item.pk}"]', "rectify")
        page.set_input_files(f'input[name="photo-{item.pk}"]', files=[photo(f"{code}.jpg")])
    assert page.is_visible(f'input[name="note-{items["masks"].pk}"]')  # the failed item's block opened
    shot(page, "patrol-02-record-form")
    page.click("#record-submit")
    page.wait_for_selector("#findings")
    assert page.locator("#findings .due-card").count() == 2
    shot(page, "patrol-03-inspection")

    # The orders come due; the re-inspection closes one and stops work on the other.
    assert RectificationOrder.objects.count() == 2
    page.goto("/inspections/orders/")
    page.wait_for_selector("#orders")
    cards = page.locator("#orders .due-card")
    assert cards.count() == 2
    assert "前台两名员工未戴口罩" in page.inner_text("#orders") and "近三日无消毒记录" in page.inner_text("#orders")
    fits(page)
    shot(page, "patrol-04-orders")
    first = RectificationOrder.objects.get(pk=int(cards.nth(0).get_attribute("id").removeprefix("order-")))
    cards.nth(0).locator("a.btn", has_text="复查").click()
    page.wait_for_url(f"**/inspections/orders/{first.pk}/reinspect/")
    page.wait_for_selector(f"#original-finding >> text={first.finding.description}")
    fits(page)
    page.click('input[name="outcome"][value="pass"] + span')
    shot(page, "patrol-05-reinspect")
    page.click("#reinspect-submit")
    page.wait_for_selector("text=复查合格，整改通知已办结。")
    page.goto("/inspections/orders/")
    cards = page.locator("#orders .due-card")
    assert cards.count() == 1
    second = RectificationOrder.objects.get(pk=int(cards.nth(0).get_attribute("id").removeprefix("order-")))
    assert second.pk != first.pk
    cards.nth(0).locator("a.btn", has_text="复查").click()
    page.wait_for_url(f"**/inspections/orders/{second.pk}/reinspect/")
    fits(page)
    page.click('input[name="outcome"][value="stop_work"] + span')
    page.fill('textarea[name="note"]', "仍无消毒记录，责令停工")
    page.click("#reinspect-submit")
    page.wait_for_selector("text=复查不合格，已责令停工。")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("closed", "escalated")
    shot(page, "patrol-05b-stop-work")

    # The inspector's own phone reads: suspended.
    page.goto(f"/v/{placard.token}/")
    assert page.get_attribute("#verify-status", "data-status") == "suspended"

    # Anyone scanning the placard now reads: suspended.
    public = new_page(viewport=PHONE)
    public.goto(f"/v/{placard.token}/")
    assert public.get_attribute("#verify-status", "data-status") == "suspended"
    assert public.locator("#start-inspection").count() == 0
    shot(public, "patrol-06-verify-suspended")

    # A district-team inspector finds an unregistered venue open.
    other = new_page(viewport=PHONE)
    login(other, district)
    other.goto("/inspections/unauthorised/new/")
    fits(other)
    other.select_option('select[name="jurisdiction"]', label="向阳街道")
    other.fill('input[name="name"]', "老王棋牌室")
    other.fill('input[name="address"]', "向阳街道只楚路8号")
    other.fill('input[name="business"]', "棋牌室")
    other.fill('textarea[name="description"]', "十余人聚集打牌，未测温登记")
    other.set_input_files('input[name="photos"]', files=[photo("venue.jpg")])
    shot(other, "patrol-07-unauthorised")
    other.click("#unauthorised-submit")
    other.wait_for_selector("#findings >> text=十余人聚集打牌")

    # The street sees the new venue and its finding, and was told.
    street = new_page(viewport=PHONE)
    login(street, staff)
    reminders = street.locator("#reminders")
    assert "老王棋牌室" in reminders.inner_text(), "the unauthorised-opening notification is on the home page"
    shot(street, "patrol-08a-street-home")
    street.goto("/enterprises/?q=老王")
    street.wait_for_selector("text=老王棋牌室")
    fits(street)
    street.click("text=老王棋牌室")
    street.wait_for_selector("#enforcement >> text=十余人聚集打牌")
    shot(street, "patrol-08-street-sees-venue")
    assert "十余人聚集打牌" in street.inner_text("#enforcement")
    venue = Enterprise.objects.get(name="老王棋牌室")
    assert venue.operating_status == OperatingStatus.UNAUTHORISED
    assert Notification.objects.filter(user=staff, code="enforcement.unauthorised").exists()
