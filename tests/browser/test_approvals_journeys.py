"""Issue 3 journeys in headless Chromium: (a) a small enterprise from draft to approved, the two signatures
given in two separate browser sessions; (b) a large enterprise through the three steps with one return and
resubmission; (c) a green-channel enterprise at the top of a queue."""

from datetime import date, timedelta

import pytest

from approvals.models import Application
from approvals.validators import make_id_number
from tests.approvals import helpers as h
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(h.PDF)
    return path


def decide(page, outcome, phrase_index=0, opinion=None):
    page.check(f"#decide input[name=outcome][value={outcome}]")
    if opinion:
        page.fill("#decide textarea[name=opinion]", opinion)
    else:
        page.locator("#decide button.phrase").nth(phrase_index).click()
    page.click("#decide-btn")
    page.wait_for_selector("text=已办理")


def test_small_enterprise_draft_to_approved_with_two_signatures(new_page, login, shot, personas, enterprise_xy, live_server,
                                                          tmp_path):
    staff, secretary, director = personas["staff_xy"], personas["secretary_xy"], personas["director_xy"]
    page = new_page()
    login(page, staff)
    page.goto(f"{live_server.url}/enterprises/{enterprise_xy.pk}/")
    page.click("#applications >> text=新建复工申请")
    page.fill("#id_requested_reopen_on", (date.today() + timedelta(days=18)).isoformat())
    page.fill("#id_returning_headcount", "1")
    page.fill("#id_masks_qty", "300")
    page.fill("#id_thermometers_qty", "3")
    page.fill("#id_disinfectant_litres", "20")
    page.click("#application-form button[type=submit]")
    page.wait_for_selector("text=已创建复工申请草稿")
    assert "缺少材料" in page.locator("#submission-problems").inner_text()
    shot(page, "approvals-a1-draft")

    # Submitting too early lists everything missing at once.
    page.click("#submit-btn")
    page.wait_for_selector("#errors")
    assert page.locator("#errors li").count() >= 5

    for kind in ("plan", "emergency", "supplies", "pledge"):
        page.select_option("#upload-form select[name=kind]", kind)
        page.set_input_files("#upload-form input[name=file]", str(pdf_file(tmp_path, f"{kind}.pdf")))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("text=材料已上传")
    person = {"name": "王小明", "id_number": make_id_number("370602", date(1990, 5, 6), 12), "mobile": "13905351234"}
    page.fill("#employee-form #id_name", person["name"])
    page.fill("#employee-form #id_id_number", person["id_number"])
    page.fill("#employee-form #id_mobile", person["mobile"])
    page.fill("#employee-form #id_residence", "芝罘区幸福路8号")
    page.click("#employee-form button[type=submit]")
    page.wait_for_selector("text=已添加返岗员工")
    page.fill("#meeting-form #id_principal", "王伟")
    page.fill("#meeting-form #id_met_at", "2020-02-10T09:30")
    page.fill("#meeting-form #id_outcome", "负责人承诺落实防控责任")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("text=已记录负责人见面")
    page.click("#submit-btn")
    page.wait_for_selector("text=已提交")
    number = page.locator("#app-number").inner_text()
    assert number.startswith("ZF")
    # The filer does not take the street step: the page says who does.
    assert page.locator("#filer-cannot-review").count() == 1 and page.locator("#decide-btn").count() == 0
    url = page.url

    # Street review by the street's second official, in a session of their own: a verdict on each
    # material ("all accepted" ticks them), then approve with a phrase.
    page = new_page()
    login(page, h.colleague(staff))
    page.goto(url)
    page.click("#accept-all")
    assert page.locator("#verdicts-form input[value=accepted]:checked").count() == 4
    page.click("#verdicts-btn")
    page.wait_for_selector("text=材料审核结论已保存")
    decide(page, "approve")
    shot(page, "approvals-a2-street-approved")

    # Two separate browser sessions give the two signatures.
    sec_page = new_page()
    login(sec_page, secretary)
    sec_page.goto(f"{live_server.url}/applications/queue/")
    sec_page.click(f"text={number}")
    assert person["id_number"] in sec_page.content()  # the signer reviews it: full data
    sec_page.click("#sign-btn")
    sec_page.wait_for_selector("text=已办理")
    shot(sec_page, "approvals-a3-secretary-signed")
    dir_page = new_page(viewport=(375, 812))
    login(dir_page, director)
    dir_page.goto(url)
    dir_page.click("#sign-btn")
    dir_page.wait_for_selector("text=已办理")
    assert "已通过" in dir_page.locator("h1").inner_text()
    timeline = dir_page.locator("#timeline").inner_text()
    for text in ("提交申请", "街道/园区审核", "党工委书记签字", "街道主任签字", "向阳街道党工委书记"):
        assert text in timeline
    shot(dir_page, "approvals-a4-approved-phone")
    assert Application.objects.get(number=number).status == "approved"


def test_large_enterprise_three_steps_with_a_return(new_page, login, shot, personas, xy, gxj, live_server, tmp_path):
    staff, reviewer, tf = personas["staff_xy"], personas["dept_gxj"], personas["taskforce"]
    enterprise = EnterpriseFactory(jurisdiction=xy, department=gxj, scale="large", employee_count=500,
                             name="烟台旅程机械制造有限公司")
    app = h.submitted(staff, enterprise)
    h.meet(staff, app)
    url = f"{live_server.url}/applications/{app.pk}/"

    street = new_page()
    login(street, staff)
    # The street step is taken by the street's second official (the filer never reviews its own filing).
    review = new_page()
    login(review, h.colleague(staff))
    review.goto(url)
    for radio in review.locator("#verdicts-form input[value=accepted]").all():
        radio.check()
    review.click("#verdicts-btn")
    review.wait_for_selector("text=材料审核结论已保存")
    decide(review, "approve")

    dept = new_page()
    login(dept, reviewer)
    dept.goto(f"{live_server.url}/applications/queue/")
    dept.click(f"text={app.number}")
    decide(dept, "return", opinion="请补充车间通风措施和员工宿舍管理办法。")
    assert "已退回" in dept.locator("h1").inner_text()
    shot(dept, "approvals-b1-department-returned")

    street.goto(url)
    assert "请补充车间通风措施" in street.locator("#timeline").inner_text()
    street.select_option("#upload-form select[name=kind]", "plan")
    street.set_input_files("#upload-form input[name=file]", str(pdf_file(tmp_path, "方案（修订）.pdf")))
    street.click("#upload-form button[type=submit]")
    street.wait_for_selector("text=材料已上传")
    street.click("#submit-btn")
    street.wait_for_selector("text=已提交")
    review.goto(url)
    for radio in review.locator("#verdicts-form input[value=accepted]").all():
        radio.check()
    review.click("#verdicts-btn")
    review.wait_for_selector("text=材料审核结论已保存")
    decide(review, "approve")

    dept.goto(url)
    decide(dept, "approve")
    task = new_page()
    login(task, tf)
    task.goto(f"{live_server.url}/applications/queue/")
    task.click(f"text={app.number}")
    decide(task, "approve")
    assert "已通过" in task.locator("h1").inner_text()
    timeline = task.locator("#timeline").inner_text()
    for text in ("第1轮", "第2轮", "重新提交", "主管部门审核", "领导小组审定", "工信局"):
        assert text in timeline
    shot(task, "approvals-b2-approved-timeline")
    app.refresh_from_db()
    assert app.status == "approved" and app.iteration == 2


def test_green_channel_enterprise_tops_the_queue(new_page, login, shot, personas, xy, live_server):
    staff = personas["staff_xy"]
    general = h.submitted(staff, EnterpriseFactory(jurisdiction=xy, name="烟台普通商贸有限公司"))
    livelihood = h.submitted(staff, EnterpriseFactory(jurisdiction=xy, category="livelihood", name="向阳民生超市"))
    green = h.submitted(staff, EnterpriseFactory(jurisdiction=xy, category="epidemic_supply",
                                                 name="烟台绿色通道口罩有限公司"))
    page = new_page()
    login(page, staff)
    assert page.locator("#queue-widget tbody tr").first.inner_text().find("烟台绿色通道口罩有限公司") >= 0
    page.goto(f"{live_server.url}/applications/queue/")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 3
    assert green.number in rows.nth(0).inner_text() and "绿色通道" in rows.nth(0).inner_text()
    assert livelihood.number in rows.nth(1).inner_text()
    assert general.number in rows.nth(2).inner_text()
    shot(page, "approvals-c1-green-channel-queue")
