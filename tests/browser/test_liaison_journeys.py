"""Issue 10 journeys at a 375-px phone: (a) a firm signs in with its set-password link, drafts and submits
its application and follows it through the street's review; (b) a firm raises a problem, its liaison
escalates it to the department, which resolves it, the firm rates it 'not satisfied' and a follow-up opens
for the street; (c) a livelihood firm misses a day and its liaison sees the alert."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from approvals.validators import make_id_number
from liaisons.models import Problem
from liaisons.services.daily import daily_log_alerts
from tests.approvals import helpers as h
from tests.browser.test_phone_layout import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = (375, 740)
PASSWORD = "Firm-pass-2026x"


def pdf_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(h.PDF)
    return path


def firm_signs_in(page, live_server, path: str, username: str):
    """The one-time link the official handed over: set a password, then sign in with the mobile."""
    page.goto(f"{live_server.url}{path}")
    page.fill("input[name=new_password1]", PASSWORD)
    page.fill("input[name=new_password2]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_firm_drafts_submits_and_follows_its_application(new_page, login, shot, personas, enterprise_xy, live_server,
                                                        tmp_path):
    staff = personas["staff_xy"]
    # The street opens the account on the firm's page and sees the one-time link once.
    desk = new_page()
    login(desk, staff)
    desk.goto(f"{live_server.url}/enterprises/{enterprise_xy.pk}/")
    desk.fill("#account-open-form input[name=full_name]", "企业防疫负责人 陈晨")
    desk.fill("#account-open-form input[name=mobile]", "13905350011")
    desk.click("#account-open-form button[type=submit]")
    link = desk.locator("#account-link").input_value()
    assert "/accounts/password/set/" in link
    shot(desk, "liaisons-a0-account-link")

    page = new_page(viewport=PHONE)
    firm_signs_in(page, live_server, link.split(live_server.url, 1)[-1], "13905350011")
    assert enterprise_xy.name in page.locator("#firm-home").inner_text()
    no_sideways_scroll(page)
    shot(page, "liaisons-a1-firm-home-phone")
    page.click("#firm-apply")
    page.fill("#id_requested_reopen_on", (dt.date.today() + dt.timedelta(days=10)).isoformat())
    page.fill("#id_returning_headcount", "1")
    page.fill("#id_masks_qty", "300")
    page.fill("#id_thermometers_qty", "3")
    page.fill("#id_disinfectant_litres", "20")
    page.click("#application-form button[type=submit]")
    page.wait_for_selector("text=已创建复工申请草稿")
    page.click("#submit-btn")  # too early: everything missing at once (一次性告知)
    page.wait_for_selector("#errors")
    assert page.locator("#errors li").count() >= 4
    for kind in ("plan", "emergency", "supplies", "pledge"):
        page.select_option("#upload-form select[name=kind]", kind)
        page.set_input_files("#upload-form input[name=file]", str(pdf_file(tmp_path, f"{kind}.pdf")))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("text=材料已上传")
    person = {"name": "王小明", "id_number": make_id_number("370602", dt.date(1990, 5, 6), 12)}
    page.evaluate("document.querySelector('#roster-add').open = true")
    page.fill("#employee-form #id_name", person["name"])
    page.fill("#employee-form #id_id_number", person["id_number"])
    page.fill("#employee-form #id_mobile", "13905351234")
    page.fill("#employee-form #id_residence", "芝罘区幸福路8号")
    page.click("#employee-form button[type=submit]")
    page.wait_for_selector("text=已添加返岗员工")
    assert person["id_number"] not in page.content()  # the firm sees its roster masked
    page.click("#submit-btn")
    page.wait_for_selector("text=已提交")
    number = page.locator("#app-number").inner_text()
    assert number.startswith("ZF")
    assert page.locator("#decide-btn").count() == 0 and page.locator("#verdicts-btn").count() == 0
    no_sideways_scroll(page)
    shot(page, "liaisons-a2-firm-submitted-phone")
    url = page.url

    # The street reviews it (any official: the firm filed it) and returns it with an opinion.
    review = new_page()
    login(review, staff)
    review.goto(url)
    assert person["id_number"] in review.content()  # the reviewing official sees it in full
    review.click("#accept-all")
    review.click("#verdicts-btn")
    review.wait_for_selector("text=材料审核结论已保存")

    # The firm follows it: the timeline shows the step, the office and the time.
    page.goto(f"{live_server.url}/")
    page.click("#firm-application a")
    timeline = page.locator("#timeline").inner_text()
    assert "提交申请" in timeline
    shot(page, "liaisons-a3-firm-progress-phone")


def test_problem_escalated_resolved_rated_unsatisfied_reopens(new_page, login, shot, personas, firm, live_server):
    liaison, dept, staff = personas["liaison_xy"], personas["dept_gxj"], personas["staff_xy"]
    user = personas["firm_xy"]
    page = new_page(viewport=PHONE)
    login(page, user)
    page.click("#firm-raise")
    page.click("#problem-form button[type=submit]")  # no category: the browser's own check keeps it
    page.select_option("#problem-form select[name=category]", "supplies")
    page.fill("#problem-form textarea[name=description]", "口罩库存仅够两天，需采购医用口罩2000只")
    page.click("#problem-form button[type=submit]")
    page.wait_for_selector("text=诉求已登记")
    no_sideways_scroll(page)
    shot(page, "liaisons-b1-firm-raised-phone")
    url = page.url

    lp = new_page(viewport=PHONE)
    login(lp, liaison)
    lp.goto(url)
    lp.click("#act-escalate_department")  # without a reason: refused, nothing written
    lp.wait_for_selector("#errors")
    lp.fill("#problem-actions textarea[name=note]", "需工信局协调口罩货源")
    lp.click("#act-escalate_department")
    lp.wait_for_selector("text=已上报主管部门")
    assert "主管部门" in lp.locator("#problem-owner").inner_text()
    shot(lp, "liaisons-b2-liaison-escalated-phone")

    dp = new_page()
    login(dp, dept)
    dp.goto(url)
    dp.fill("#problem-actions textarea[name=note]", "已调拨医用口罩2000只")
    dp.click("#act-resolve")
    dp.wait_for_selector("text=已办结")

    page.goto(url)
    page.check("#problem-rate input[value=unsatisfied]")
    page.fill("#problem-rate textarea[name=comment]", "只到了一半")
    page.click("#problem-rate button[type=submit]")
    page.wait_for_selector("text=感谢您的评价")
    assert "不满意" in page.locator("#rating").inner_text()
    follow_up = Problem.objects.get(follow_up_of__isnull=False)
    assert (follow_up.status, follow_up.owner) == ("open", "street")
    timeline = page.locator("#timeline").inner_text()
    for text in ("登记诉求", "上报主管部门", "办结", "企业评价"):
        assert text in timeline
    shot(page, "liaisons-b3-firm-rated-phone")

    sp = new_page()
    login(sp, staff)
    sp.goto(f"{live_server.url}/liaisons/problems/?status=open")
    assert sp.locator(f"#problem-{follow_up.pk}").count() == 1


def test_livelihood_firm_misses_a_day_and_its_liaison_sees_it(new_page, login, shot, personas, livelihood,
                                                              live_server):
    liaison = personas["liaison_xy"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert daily_log_alerts(day=yesterday) == 1  # the evening check of a day the firm did not log

    lp = new_page(viewport=PHONE)
    login(lp, liaison)
    alerts = lp.locator("#liaison-alerts").inner_text()  # the home page tells the liaison
    assert livelihood.name in alerts and "未填报" in alerts
    lp.goto(f"{live_server.url}/liaisons/daily/?day={yesterday.isoformat()}")
    assert livelihood.name in lp.locator("#missing").inner_text()
    no_sideways_scroll(lp)
    shot(lp, "liaisons-c1-liaison-missing-phone")
    # The liaison fills it in on the firm's behalf; the gap stays in the history, marked filled late.
    lp.click(f"#missing >> text={livelihood.name}")
    lp.fill("#daily-form input[name=checked_count]", "12")
    lp.fill("#daily-form input[name=disinfection_times]", "2")
    lp.fill("#daily-form input[name=disinfection_areas]", "车间、食堂")
    lp.click("#daily-form button[type=submit]")
    lp.wait_for_selector("text=已填报")
    assert "代填" in lp.locator("#daily-logs").inner_text()
    assert "已补填" in lp.locator("#daily-gaps").inner_text()
    no_sideways_scroll(lp)
    shot(lp, "liaisons-c2-logged-on-behalf-phone")

    fp = new_page(viewport=PHONE)
    login(fp, personas["firm_xy"])
    fp.click("#firm-daily")
    fp.fill("#daily-form input[name=checked_count]", "10")
    fp.fill("#daily-form input[name=disinfection_times]", "3")
    fp.fill("#daily-form input[name=disinfection_areas]", "办公区")
    fp.click("#daily-form button[type=submit]")
    fp.wait_for_selector("text=已填报")
    no_sideways_scroll(fp)
    shot(fp, "liaisons-c3-firm-logged-phone")


