from django.urls import reverse

from enterprises.models import Enterprise
from tests.factories import EnterpriseFactory
from zhifu_reopen.models import AuditEntry


def form_data(xy, **extra):
    return {
        "name": "烟台鑫源食品有限公司", "credit_code": "91350100M000100Y43", "scale": "small",
        "category": "livelihood", "jurisdiction": xy.pk, "address": "烟台市芝罘区北马路8号",
        "employee_count": 30, "operating_status": "not_reopened", "prevention_mobile": "13900001111",
        **extra,
    }


def test_register_then_see_the_enterprise_with_its_history(client_for, xy):
    client = client_for("staff_xy")
    response = client.post(reverse("enterprises:create"), form_data(xy))
    enterprise = Enterprise.objects.get()
    assert response.status_code == 302 and response["Location"] == enterprise.get_absolute_url()
    page = client.get(enterprise.get_absolute_url()).content.decode()
    assert "烟台鑫源食品有限公司" in page
    assert "登记企业" in page and "enterprise.create" not in page  # the history lists the registration, in words


def test_bad_credit_code_gets_a_clear_400(client_for, xy):
    response = client_for("staff_xy").post(reverse("enterprises:create"),
                                           form_data(xy, credit_code="91350100M000100Y44"))
    assert response.status_code == 400
    assert "校验位不正确" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_bad_mobile_gets_a_clear_400(client_for, xy):
    response = client_for("staff_xy").post(reverse("enterprises:create"),
                                           form_data(xy, prevention_mobile="12345"))
    assert response.status_code == 400
    assert "手机号码" in response.content.decode()


def test_duplicate_code_links_to_the_existing_enterprise(client_for, xy, enterprise_xy):
    response = client_for("staff_xy").post(reverse("enterprises:create"),
                                           form_data(xy, credit_code=enterprise_xy.credit_code))
    assert response.status_code == 400
    body = response.content.decode()
    assert "已登记为" in body and enterprise_xy.get_absolute_url() in body
    assert Enterprise.objects.count() == 1


def test_unknown_street_is_refused(client_for, xy):
    response = client_for("staff_xy").post(reverse("enterprises:create"), form_data(xy, jurisdiction=99999))
    assert response.status_code == 400
    assert not Enterprise.objects.exists()


def test_script_in_a_name_is_refused_and_escaped(client_for, xy):
    client = client_for("staff_xy")
    response = client.post(reverse("enterprises:create"), form_data(xy, name="<script>alert(1)</script>商店"))
    body = response.content.decode()
    assert response.status_code == 400 and "不能包含“&lt;”“&gt;”等HTML/脚本标记字符。" in body  # as the import
    assert "<script>alert(1)</script>" not in body
    assert not Enterprise.objects.exists()
    # a name stored before the rule (or by other means) is still shown as text
    enterprise = EnterpriseFactory(jurisdiction=xy, name="<script>alert(1)</script>商店")
    for url in (enterprise.get_absolute_url(), reverse("enterprises:list")):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;商店" in body


def test_organisation_code_warning_is_shown_after_saving(client_for, xy):
    from enterprises.validators import credit_check_char

    code = "91350100M000100Y5" + credit_check_char("91350100M000100Y5")
    response = client_for("staff_xy").post(reverse("enterprises:create"), form_data(xy, credit_code=code),
                                           follow=True)
    assert response.status_code == 200
    assert "组织机构代码校验未通过" in response.content.decode()


def test_edit_changes_the_enterprise_and_records_before_and_after(client_for, xy, enterprise_xy):
    client = client_for("staff_xy")
    data = form_data(xy, credit_code=enterprise_xy.credit_code, name="改名后的公司")
    response = client.post(reverse("enterprises:edit", args=[enterprise_xy.pk]), data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="enterprise.update")
    assert entry.after["name"] == "改名后的公司"
    assert entry.before["name"] == enterprise_xy.name


def test_list_filters_and_free_text(client_for, xy, enterprise_xy):
    from tests.factories import EnterpriseFactory

    EnterpriseFactory(jurisdiction=xy, name="芝罘福盛超市", scale="venue", category="livelihood")
    client = client_for("staff_xy")
    body = client.get(reverse("enterprises:list"), {"q": "福盛"}).content.decode()
    assert "芝罘福盛超市" in body and enterprise_xy.name not in body
    body = client.get(reverse("enterprises:list"), {"scale": "small"}).content.decode()
    assert enterprise_xy.name in body and "芝罘福盛超市" not in body
    body = client.get(reverse("enterprises:list"), {"q": enterprise_xy.credit_code[:10]}).content.decode()
    assert enterprise_xy.name in body


def test_list_never_shows_enterprises_out_of_scope(client_for, enterprise_xy, enterprise_ds):
    body = client_for("staff_xy").get(reverse("enterprises:list")).content.decode()
    assert enterprise_xy.name in body and enterprise_ds.name not in body
    body = client_for("dept_swj").get(reverse("enterprises:list")).content.decode()
    assert enterprise_ds.name in body and enterprise_xy.name not in body


def test_survey_visit_with_a_bad_date_is_explained(client_for, enterprise_xy):
    client = client_for("staff_xy")
    response = client.post(reverse("enterprises:visit_create", args=[enterprise_xy.pk]),
                           {"visited_on": "not-a-date", "observed_status": "reopened"}, follow=True)
    assert "走访记录未保存" in response.content.decode()
    assert not enterprise_xy.survey_visits.exists()


def test_coverage_counts_recent_visits(client_for, personas, enterprise_xy):
    from datetime import date

    from enterprises.services.registry import survey_visit_record

    client = client_for("staff_xy")
    survey_visit_record(user=personas["staff_xy"], enterprise=enterprise_xy, visited_on=date.today(),
                        observed_status="reopened")
    response = client.get(reverse("enterprises:coverage"))
    row = next(r for r in response.context["rows"] if r["jurisdiction"].code == "370602001")
    assert (row["total"], row["visited"], row["share"]) == (1, 1, 100.0)


def test_english_ui_on_request(client_for):
    client = client_for("staff_xy")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("enterprises:list")).content.decode()
    assert 'lang="en"' in body
    assert "Enterprises" in body or "Firms" in body


def test_check_code_names_a_enterprise_in_scope(client_for, enterprise_xy):
    response = client_for("staff_xy").get(reverse("enterprises:check_code"), {"credit_code": enterprise_xy.credit_code})
    body = response.content.decode()
    assert response.status_code == 200
    assert enterprise_xy.name in body and enterprise_xy.get_absolute_url() in body


def test_check_code_does_not_reveal_a_enterprise_outside_the_scope(client_for, enterprise_ds):
    response = client_for("staff_xy").get(reverse("enterprises:check_code"), {"credit_code": enterprise_ds.credit_code})
    body = response.content.decode()
    assert response.status_code == 200
    assert "已在本区其他辖区登记" in body
    assert enterprise_ds.name not in body and enterprise_ds.get_absolute_url() not in body and "<a " not in body


def test_registering_a_code_of_another_street_does_not_reveal_the_enterprise(client_for, xy, enterprise_ds):
    response = client_for("staff_xy").post(reverse("enterprises:create"),
                                           form_data(xy, credit_code=enterprise_ds.credit_code))
    body = response.content.decode()
    assert response.status_code == 400
    assert "已在本区其他辖区登记" in body
    assert enterprise_ds.name not in body and enterprise_ds.get_absolute_url() not in body
    assert Enterprise.objects.count() == 1
