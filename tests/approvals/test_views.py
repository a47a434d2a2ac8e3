"""Pages and actions through the test client: rendering, refusals as 4xx with reasons, masking."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from approvals.models import Application
from approvals.services.signatures import signature_add
from tests.approvals import helpers as h
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_staff_files_an_application_from_the_enterprise_page(client_for, enterprise_xy):
    staff = client_for("staff_xy")
    page = staff.get(reverse("enterprises:detail", args=[enterprise_xy.pk]))
    assert reverse("approvals:create", args=[enterprise_xy.pk]) in page.text
    response = staff.post(reverse("approvals:create", args=[enterprise_xy.pk]), {
        "requested_reopen_on": (date.today() + timedelta(days=18)).isoformat(), "returning_headcount": "1", "masks_qty": "100",
        "thermometers_qty": "2", "disinfectant_litres": "10",
    })
    assert response.status_code == 302
    app = Application.objects.get()
    detail = staff.get(response["Location"])
    assert detail.status_code == 200 and "提交前还需补齐" in detail.text
    bad = staff.post(reverse("approvals:submit", args=[app.pk]))
    assert bad.status_code == 400 and "缺少材料" in bad.text


def test_bad_inputs_are_4xx_with_reasons(client_for, staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, materials=False)
    c = client_for("staff_xy")
    exe = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    r = c.post(reverse("approvals:material_upload", args=[app.pk]), {"kind": "plan", "file": exe})
    assert r.status_code == 400 and "不是允许的格式" in r.text
    r = c.post(reverse("approvals:material_upload", args=[app.pk]), {"kind": "nonsense"})
    assert r.status_code == 400
    r = c.post(reverse("approvals:employee_add", args=[app.pk]), {"name": "张三", "id_number": "123"})
    assert r.status_code == 400
    r = c.post(reverse("approvals:roster_import", args=[app.pk]), {"file": SimpleUploadedFile("a.xlsx", b"junk")})
    assert r.status_code == 400 and "花名册" in r.text
    r = c.post(reverse("approvals:meeting", args=[app.pk]), {"principal": "王", "met_at": "not a date"})
    assert r.status_code == 400
    r = c.post(reverse("approvals:verdicts", args=[app.pk]), {})
    assert r.status_code == 400
    r = c.post(reverse("approvals:decide", args=[app.pk]), {"outcome": "approve", "opinion": "同意"})
    assert r.status_code == 400 and "没有待您审核" in r.text
    # A parameter that cannot be read is refused with a 400 that names it (zhifu_reopen.params); an
    # unknown status or tab is ignored.
    r = c.get(reverse("approvals:queue") + "?after=%%%garbage")
    assert r.status_code == 400 and "翻页参数“after”无效" in r.text
    r = c.get(reverse("approvals:list") + "?before=abc&status=bogus")
    assert r.status_code == 400 and "参数“before”应为整数" in r.text
    assert c.get(reverse("approvals:list") + "?status=bogus").status_code == 200
    assert c.get(reverse("approvals:queue") + "?tab=bogus").status_code == 200
    for url in (reverse("approvals:list") + "?before=" + "9" * 30, reverse("approvals:queue") + "?tab=done&before=" + "9" * 30):
        r = c.get(url)
        assert r.status_code == 400 and "超出允许的范围" in r.text
    assert app.employees.count() == 2 and not app.materials.exists()


def test_street_review_through_pages(client_for, staff, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    c = client_for(None)
    c.force_login(h.colleague(staff))  # the second official of the street: the filer does not review
    data = {f"verdict_{m.pk}": "accepted" for m in app.materials.all()}
    plan = app.materials.get(kind="plan")
    data[f"verdict_{plan.pk}"] = "revision"
    r = c.post(reverse("approvals:verdicts", args=[app.pk]), data)
    assert r.status_code == 400 and "修改意见" in r.text
    data[f"reason_{plan.pk}"] = "缺少错峰就餐安排"
    assert c.post(reverse("approvals:verdicts", args=[app.pk]), data).status_code == 302
    r = c.post(reverse("approvals:decide", args=[app.pk]), {"outcome": "approve", "opinion": "同意",
                                                             "seen_iteration": 1})
    assert r.status_code == 400 and "尚未审核合格" in r.text and "负责人见面" in r.text
    r = c.post(reverse("approvals:decide", args=[app.pk]), {"outcome": "return", "opinion": "请补正",
                                                             "seen_iteration": 1})
    assert r.status_code == 302
    page = c.get(reverse("approvals:detail", args=[app.pk]))
    assert "缺少错峰就餐安排" in page.text and "已退回" in page.text


def test_two_signatures_through_pages_and_conflict_on_double_click(client_for, staff, enterprise_xy):
    app = h.street_approved(staff, enterprise_xy)
    sec, dirc = client_for("secretary_xy"), client_for("director_xy")
    page = sec.get(reverse("approvals:detail", args=[app.pk]))
    assert 'id="sign-btn"' in page.text
    form = {"post": "secretary", "action": "sign", "opinion": "同意", "seen_iteration": app.iteration}
    assert sec.post(reverse("approvals:sign", args=[app.pk]), form).status_code == 302
    again = sec.post(reverse("approvals:sign", args=[app.pk]), form)
    assert again.status_code == 409 and "已签字" in again.text
    wrong = dirc.post(reverse("approvals:sign", args=[app.pk]), {**form, "post": "secretary"})
    assert wrong.status_code == 403 and "代签" in wrong.text  # nobody signs for another
    r = dirc.post(reverse("approvals:sign", args=[app.pk]), {**form, "post": "director"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == "approved"


def test_personal_data_masked_except_for_reviewers(client_for, personas, staff, enterprise_xy, large_xy):
    app = h.draft(staff, enterprise_xy)
    employee = app.employees.first()
    full = client_for("staff_xy").get(reverse("approvals:detail", args=[app.pk])).text
    assert employee.id_number in full and employee.mobile in full
    # The department sees the small enterprise (its industry) but does not review it: masked.
    masked = client_for("dept_gxj").get(reverse("approvals:detail", args=[app.pk])).text
    assert employee.id_number not in masked and employee.mobile not in masked and employee.id_masked in masked
    masked = client_for("taskforce").get(reverse("approvals:detail", args=[app.pk])).text
    assert employee.id_number not in masked
    large = h.draft(staff, large_xy)
    seen = client_for("dept_gxj").get(reverse("approvals:detail", args=[large.pk])).text
    assert large.employees.first().id_number in seen


def test_health_status_masked_like_id_numbers_except_for_reviewers(client_for, staff, enterprise_xy):
    """A returning employee's health declaration is personal (health) data: only the officials who
    review the application see it; others see it masked as the ID number is (issue 7 item 15)."""
    from approvals.services.applications import employee_add

    app = h.draft(staff, enterprise_xy, employees=1)
    employee_add(user=staff, application=app, data=h.employee_data(7, health_status="quarantining"))
    url = reverse("approvals:detail", args=[app.pk])
    assert "正在隔离" in client_for("staff_xy").get(url).text  # reviews it
    for viewer in ("dept_gxj", "taskforce"):  # see the small enterprise's application, do not review it
        page = client_for(viewer).get(url)
        assert page.status_code == 200
        roster = page.text[page.text.index('id="roster"'):]
        assert "正在隔离" not in roster and "健康</span>" not in roster, viewer
        assert app.employees.first().id_masked in roster


def test_queue_orders_green_channel_then_livelihood_then_deadline(client_for, staff, xy):
    general = h.submitted(staff, EnterpriseFactory(jurisdiction=xy, category="general"))
    livelihood = h.submitted(staff, EnterpriseFactory(jurisdiction=xy, category="livelihood"))
    green = h.submitted(staff, EnterpriseFactory(jurisdiction=xy, category="epidemic_supply"))
    Application.objects.filter(pk=general.pk).update(step_deadline=timezone.now() - timedelta(hours=1))
    page = client_for("staff_xy").get(reverse("approvals:queue")).text
    assert page.index(green.number) < page.index(livelihood.number) < page.index(general.number)
    assert "deadline-overdue" in page and "绿色通道" in page
    home = client_for("staff_xy").get(reverse("home")).text
    assert green.number in home
    # Someone else's queue is empty of these.
    assert green.number not in client_for("staff_ds").get(reverse("approvals:queue")).text


def test_signature_queue_drops_what_the_user_signed(client_for, personas, staff, enterprise_xy):
    app = h.street_approved(staff, enterprise_xy)
    assert app.number in client_for("secretary_xy").get(reverse("approvals:queue")).text
    signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion="同意")
    assert app.number not in client_for("secretary_xy").get(reverse("approvals:queue")).text
    assert app.number in client_for("director_xy").get(reverse("approvals:queue")).text
    done = client_for("secretary_xy").get(reverse("approvals:queue") + "?tab=done").text
    assert app.number in done


def test_material_download_scoped(client_for, staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy)
    material = app.materials.first()
    url = reverse("approvals:material_download", args=[app.pk, material.pk])
    r = client_for("staff_xy").get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert client_for("staff_ds").get(url).status_code == 404
    assert client_for("inspector_xy").get(url).status_code == 403


def test_changing_an_approved_application_sends_it_back_to_review(client_for, personas, staff, enterprise_xy):
    app = h.street_approved(staff, enterprise_xy)
    signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion="同意")
    signature_add(user=personas["director_xy"], application=app, post="director", opinion="同意")
    c = client_for("staff_xy")
    form = {"requested_reopen_on": (date.today() + timedelta(days=26)).isoformat(), "returning_headcount": "2",
            "masks_qty": "500", "thermometers_qty": "5", "disinfectant_litres": "20"}
    r = c.post(reverse("approvals:edit", args=[app.pk]), form)
    assert r.status_code == 400 and "变更理由" in r.text
    r = c.post(reverse("approvals:edit", args=[app.pk]), {**form, "reason": "推迟复工日期"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == "submitted" and app.iteration == 2
    page = c.get(reverse("approvals:detail", args=[app.pk])).text
    assert "变更后重新审核" in page and "推迟复工日期" in page


def test_roster_template_imports_as_is(client_for, staff, enterprise_xy):
    c = client_for("staff_xy")
    response = c.get(reverse("approvals:roster_template"))
    assert response.status_code == 200
    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    upload = SimpleUploadedFile("花名册.xlsx", response.content)
    assert c.post(reverse("approvals:roster_import", args=[app.pk]), {"file": upload}).status_code == 302
    assert app.employees.count() == 1


def test_queue_keyset_pages_cover_everything_once(personas, staff, xy):
    from approvals import selectors

    numbers = set()
    for i in range(5):
        category = ["epidemic_supply", "livelihood", "general"][i % 3]
        numbers.add(h.submitted(staff, EnterpriseFactory(jurisdiction=xy, category=category)).number)
    seen, token = [], ""
    while True:
        page = selectors.queue_page(staff, after=token, size=2)
        seen += [r["number"] for r in page.rows]
        assert page.total == 5
        if not page.next_token:
            break
        token = page.next_token
    assert len(seen) == 5 and set(seen) == numbers
    priorities = [Application.objects.get(number=n).priority for n in seen]
    assert priorities == sorted(priorities)


def test_enterprise_page_lists_applications_only_for_approving_roles(client_for, staff, liaison_enterprise):
    app = h.draft(staff, liaison_enterprise)
    url = reverse("enterprises:detail", args=[liaison_enterprise.pk])
    assert reverse("approvals:detail", args=[app.pk]) in client_for("staff_xy").get(url).text
    liaison_page = client_for("liaison_xy").get(url)
    assert liaison_page.status_code == 200 and 'id="applications"' not in liaison_page.text
    # no button to file one (the history may still name a past 新建复工申请 entry, in words)
    assert reverse("approvals:create", args=[liaison_enterprise.pk]) not in client_for("secretary_xy").get(url).text


def test_office_building_online_work_through_the_form(client_for, xy):
    building = EnterpriseFactory(jurisdiction=xy, category="office_building", name="烟台测试商务大厦")
    c = client_for("staff_xy")
    assert "线上复工" in c.get(reverse("approvals:create", args=[building.pk])).text
    form = {"requested_reopen_on": (date.today() + timedelta(days=18)).isoformat(), "returning_headcount": "1", "masks_qty": "100",
            "thermometers_qty": "2", "disinfectant_litres": "10", "online_work": "on"}
    r = c.post(reverse("approvals:create", args=[building.pk]), form)
    assert r.status_code == 400 and "楼宇联络员" in r.text
    r = c.post(reverse("approvals:create", args=[building.pk]),
               {**form, "building_liaison": "物业 高峰", "building_liaison_mobile": "13905358888"})
    assert r.status_code == 302
    page = c.get(r["Location"]).text
    assert "物业 高峰" in page and "线上复工" in page


def test_approved_application_shows_its_placard(client_for, personas, staff, enterprise_xy):
    app = h.street_approved(staff, enterprise_xy)
    signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion="同意")
    signature_add(user=personas["director_xy"], application=app, post="director", opinion="同意")
    page = client_for("staff_xy").get(reverse("approvals:detail", args=[app.pk])).text
    from placards.models import Placard

    placard = Placard.objects.get(application=app)
    assert placard.number in page and reverse("placards:detail", args=[placard.pk]) in page
    dept_page = client_for("dept_gxj").get(reverse("approvals:detail", args=[app.pk])).text
    assert placard.number in dept_page and reverse("placards:detail", args=[placard.pk]) not in dept_page
