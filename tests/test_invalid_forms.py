"""Issue 13: a form posted with errors (or refused by a rule) is answered 4xx — 400 for what was typed,
403/409 for a refusal — with the page again saying why, and nothing stored; never a 200 or a redirect
that hides the refusal. One test per app (the login form is the auth part's, tests/accounts)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from approvals.models import Application
from enterprises.models import Enterprise, SurveyVisit
from inspections.models import Checklist
from liaisons.models import Problem
from placards.models import Placard
from tests.placards.helpers import approve

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_accounts_a_person_form_with_errors_is_a_400(client_for, personas):
    client = client_for("district_admin")
    staff = personas["staff_xy"]
    response = client.post(reverse("people:appoint", args=[staff.pk]), {"post": "", "reason": ""})
    assert response.status_code == 400 and "请检查填写的内容" in text(response)
    # A password reset whose reason is too long used to go ahead with the reason dropped; now it is refused.
    password = User.objects.get(pk=staff.pk).password
    response = client.post(reverse("people:password_reset", args=[staff.pk]), {"reason": "长" * 501})
    assert response.status_code == 400
    assert "请检查填写的内容" in text(response) and 'id="set-password-link"' not in text(response)
    assert User.objects.get(pk=staff.pk).password == password
    response = client.post(reverse("people:create"), {"username": "", "full_name": ""})
    assert response.status_code == 400 and "error-text" in text(response)


def test_enterprises_an_invalid_registration_or_visit_is_a_400(client_for, xy, enterprise_xy):
    client = client_for("staff_xy")
    count = Enterprise.objects.count()
    response = client.post(reverse("enterprises:create"), {"name": "", "credit_code": "123", "jurisdiction": xy.pk})
    assert response.status_code == 400
    assert 'class="field has-error"' in text(response) and "error-text" in text(response)
    assert Enterprise.objects.count() == count
    response = client.post(reverse("enterprises:visit_create", args=[enterprise_xy.pk]),
                           {"visited_on": "2999-01-01", "observed_status": "reopened"})
    assert response.status_code == 400 and "走访记录未保存" in text(response)
    assert not SurveyVisit.objects.exists()
    response = client.post(reverse("enterprises:close", args=[enterprise_xy.pk]), {"reason": ""})
    assert response.status_code == 400 and "error-text" in text(response)


def test_approvals_an_invalid_application_form_is_a_400(client_for, enterprise_xy):
    client = client_for("staff_xy")
    response = client.post(reverse("approvals:create", args=[enterprise_xy.pk]), {"requested_reopen_on": "昨天"})
    assert response.status_code == 400 and "error-text" in text(response)
    assert not Application.objects.exists()


def test_placards_a_status_change_without_a_reason_is_a_400_on_the_placard_page(client_for, personas,
                                                                                  enterprise_xy):
    placard = approve(enterprise_xy, personas["secretary_xy"])
    client = client_for("taskforce")
    response = client.post(reverse("placards:suspend", args=[placard.pk]), {"reason": ""})
    assert response.status_code == 400  # was a redirect to the page, with the refusal in a flash message
    assert "请填写原因" in text(response) and 'id="status-form"' in text(response)
    placard.refresh_from_db()
    assert placard.status == Placard.Status.VALID
    # A rule refusing it (a valid placard cannot be reinstated): the page again, 4xx, the reason kept.
    response = client.post(reverse("placards:reinstate", args=[placard.pk]), {"reason": "整改完成"})
    assert 400 <= response.status_code < 500 and "整改完成" in text(response)


def test_placards_a_batch_with_nothing_ticked_is_a_400_on_the_list(client_for, personas, enterprise_xy):
    approve(enterprise_xy, personas["secretary_xy"])
    response = client_for("staff_xy").post(reverse("placards:batch"), {"all": "0"})
    assert response.status_code == 400 and "请先选择要打印的公示牌" in text(response)
    assert 'id="placard-table"' in text(response)


def test_inspections_an_invalid_checklist_item_is_a_400(client_for, org):
    checklist = Checklist.objects.order_by("pk").first()
    client = client_for("taskforce")
    assert client.post(reverse("inspections:checklist_draft", args=[checklist.pk])).status_code == 302
    response = client.post(reverse("inspections:checklist_item", args=[checklist.pk]), {"code": "", "text": ""})
    assert response.status_code == 400 and 'id="errors"' in text(response)


def test_liaisons_a_problem_without_a_description_is_a_400(client_for, firm):
    response = client_for("firm_xy").post(reverse("liaisons:problem_new"),
                                          {"enterprise": firm.pk, "category": "supplies", "description": ""})
    assert response.status_code == 400 and 'id="errors"' in text(response)
    assert not Problem.objects.exists()


def test_dashboards_a_filter_it_cannot_read_is_a_400_that_says_which(client_for):
    client = client_for("taskforce")
    response = client.get(reverse("dashboard_list", args=["not_reopened"]), {"category": "nope"})
    assert response.status_code == 400 and "category" in text(response)
    response = client.post(reverse("dashboard_refresh"), {"street": "abc"})
    assert response.status_code == 400
