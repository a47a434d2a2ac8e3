"""The firm's own account: opened by the street with a one-time link; the firm sees only itself, drafts and
submits its application, and can decide nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role
from approvals.models import Application
from approvals.rules import DECIDE_ACTIONS, SIGN_ACTIONS
from approvals.rules import may as application_may
from approvals.services.applications import application_create
from enterprises.models import EnterpriseAccount
from enterprises.services.accounts import (
    enterprise_account_close,
    enterprise_account_link,
    enterprise_account_open,
)
from tests.approvals.helpers import app_data, submitted
from tests.factories import EnterpriseFactory
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

pytestmark = pytest.mark.django_db


def open_account(personas, enterprise, mobile="13912345678"):
    return enterprise_account_open(actor=personas["staff_xy"], enterprise=enterprise, full_name="王芳", mobile=mobile)


def set_password(client: Client, path: str, password: str = "Fir-m-pass-2026") -> None:
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302, response.content.decode()[:500]


def test_open_account_and_sign_in_with_the_link(personas, enterprise_xy):
    user, path = open_account(personas, enterprise_xy)
    assert user.username == "13912345678" and user.role == Role.ENTERPRISE and not user.has_usable_password()
    assert AuditEntry.objects.filter(action="enterprise.account_open", target_id=enterprise_xy.pk).exists()
    client = Client()
    set_password(client, path)
    assert client.login(username="13912345678", password="Fir-m-pass-2026")
    assert client.get(f"/enterprises/{enterprise_xy.pk}/").status_code == 200
    other = EnterpriseFactory(jurisdiction=enterprise_xy.jurisdiction)
    assert client.get(f"/enterprises/{other.pk}/").status_code == 404
    assert client.get("/enterprises/").status_code == 403
    home = client.get("/").content.decode()
    assert enterprise_xy.name in home and 'id="firm-home"' in home


def test_account_refusals(personas, enterprise_xy, enterprise_ds):
    with pytest.raises(DomainError):
        open_account(personas, enterprise_ds)  # another street's firm
    with pytest.raises(DomainError):
        enterprise_account_open(actor=personas["staff_xy"], enterprise=enterprise_xy, full_name="", mobile="123")
    open_account(personas, enterprise_xy)
    with pytest.raises(DomainError, match="已有企业账号"):
        open_account(personas, enterprise_xy, mobile="13912345679")
    other = EnterpriseFactory(jurisdiction=enterprise_xy.jurisdiction)
    with pytest.raises(DomainError, match="已被其他账号使用"):
        open_account(personas, other)
    assert EnterpriseAccount.objects.count() == 1


def test_new_link_and_close(personas, enterprise_xy):
    user, path = open_account(personas, enterprise_xy)
    client = Client()
    set_password(client, path)
    _user, new_path = enterprise_account_link(actor=personas["staff_xy"], enterprise=enterprise_xy)
    user.refresh_from_db()
    assert not user.has_usable_password() and new_path != path
    with pytest.raises(DomainError, match="理由"):
        enterprise_account_close(actor=personas["staff_xy"], enterprise=enterprise_xy, reason="")
    enterprise_account_close(actor=personas["staff_xy"], enterprise=enterprise_xy, reason="负责人离职")
    user.refresh_from_db()
    assert not user.is_active
    open_account(personas, enterprise_xy, mobile="13912345670")  # a new contact


def test_firm_drafts_and_submits_but_decides_nothing(personas, firm):
    user = personas["firm_xy"]
    application = submitted(user, firm)  # drafted with its roster and materials, submitted by the firm
    assert application.filed_by == user and application.status == Application.Status.SUBMITTED
    assert application_may(personas["staff_xy"], "verdicts", application).allowed  # the street reviews it
    for action in (*DECIDE_ACTIONS, *SIGN_ACTIONS, "verdicts", "meeting", "remind", "withdraw"):
        assert not application_may(user, action, application).allowed, action
    Application.objects.filter(pk=application.pk).update(status=Application.Status.APPROVED, current_step="",
                                                              step_deadline=None)
    application.refresh_from_db()
    verdict = application_may(user, "edit", application)
    assert not verdict.allowed and "联系所在街道" in verdict.reason
    other = EnterpriseFactory(jurisdiction=firm.jurisdiction)
    with pytest.raises(DomainError):
        application_create(user=user, enterprise=other, data=app_data())
