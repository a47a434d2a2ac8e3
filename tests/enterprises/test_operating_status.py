"""The operating status changes only through the workflows that decide it (issue 7 item 17): approval
(已复工), stop-work (责令关停) and the registry's own close for good (已关闭, with a reason). The edit form
has no status field, the registry services refuse a status change, and an import never sets one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals.models import Application
from enterprises.forms import EnterpriseForm
from enterprises.models import Enterprise
from enterprises.services.importing import HEADERS, IGNORED_HEADERS, MODE_UPDATE, enterprise_import
from enterprises.services.registry import enterprise_close, enterprise_create, enterprise_update
from tests.enterprises.import_helpers import row, xlsx
from tests.enterprises.test_registry_services import enterprise_data
from tests.enterprises.test_registry_views import form_data
from tests.factories import EnterpriseFactory
from tests.placards.helpers import approve
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

pytestmark = pytest.mark.django_db


def status_of(enterprise) -> str:
    return Enterprise.objects.values_list("operating_status", flat=True).get(pk=enterprise.pk)


# --- the edit form and the services --------------------------------------------------------------------

def test_the_edit_form_has_no_operating_status(personas, enterprise_xy):
    assert "operating_status" not in EnterpriseForm(instance=enterprise_xy, user=personas["staff_xy"]).fields


@pytest.mark.parametrize("status", ["reopened", "closed"])
def test_posting_a_status_with_the_edit_form_changes_nothing(client_for, xy, enterprise_xy, status):
    client = client_for("staff_xy")
    page = client.get(reverse("enterprises:edit", args=[enterprise_xy.pk])).content.decode()
    assert 'name="operating_status"' not in page
    response = client.post(reverse("enterprises:edit", args=[enterprise_xy.pk]),
                           form_data(xy, credit_code=enterprise_xy.credit_code, operating_status=status))
    assert response.status_code == 302
    assert status_of(enterprise_xy) == "not_reopened"


@pytest.mark.parametrize("status", ["reopened", "closed", "ceased", "unauthorised"])
def test_the_update_service_refuses_a_status_change(personas, enterprise_xy, status):
    with pytest.raises(DomainError) as refused:
        enterprise_update(user=personas["staff_xy"], enterprise=enterprise_xy,
                          data={"operating_status": status, "employee_count": 99})
    assert refused.value.code == "status_locked"
    enterprise_xy.refresh_from_db()
    assert (enterprise_xy.operating_status, enterprise_xy.employee_count) == ("not_reopened", 20)
    assert not AuditEntry.objects.filter(action="enterprise.update").exists()


def test_the_update_service_accepts_the_unchanged_status(personas, enterprise_xy):
    enterprise_update(user=personas["staff_xy"], enterprise=enterprise_xy,
                      data={"operating_status": "not_reopened", "employee_count": 99})
    assert status_of(enterprise_xy) == "not_reopened"


def test_a_enterprise_is_registered_with_the_initial_status_only(personas, xy):
    with pytest.raises(DomainError) as refused:
        enterprise_create(user=personas["staff_xy"], data=enterprise_data(xy, operating_status="reopened"))
    assert refused.value.code == "status_locked" and not Enterprise.objects.exists()
    enterprise = enterprise_create(user=personas["staff_xy"], data=enterprise_data(xy))
    assert enterprise.operating_status == "not_reopened"


# --- close for good -------------------------------------------------------------------------------------

def test_close_needs_a_reason_and_is_audited(personas, enterprise_xy):
    staff = personas["staff_xy"]
    for blank in ("", "   "):
        with pytest.raises(DomainError) as refused:
            enterprise_close(user=staff, enterprise=enterprise_xy, reason=blank)
        assert refused.value.code == "reason_required"
    assert status_of(enterprise_xy) == "not_reopened"
    enterprise_close(user=staff, enterprise=enterprise_xy, reason="  已注销营业执照  ")
    assert status_of(enterprise_xy) == "ceased"
    entry = AuditEntry.objects.get(action="enterprise.close")
    assert (entry.actor, entry.reason) == (staff, "已注销营业执照")
    assert entry.before == {"operating_status": "not_reopened"} and entry.after == {"operating_status": "ceased"}
    with pytest.raises(DomainError) as again:
        enterprise_close(user=staff, enterprise=enterprise_xy, reason="再次关闭")
    assert again.value.code == "conflict"


@pytest.mark.parametrize("persona", ["staff_ds", "secretary_xy", "director_xy", "dept_gxj", "taskforce",
                                     "inspector_xy", "liaison_xy"])
def test_only_the_enterprises_street_staff_close_it(personas, enterprise_xy, persona):
    with pytest.raises(DomainError) as refused:
        enterprise_close(user=personas[persona], enterprise=enterprise_xy, reason="已注销")
    assert refused.value.code == "forbidden"
    assert status_of(enterprise_xy) == "not_reopened"


def test_close_is_refused_while_a_placard_stands_or_an_application_is_open(personas, xy, enterprise_xy):
    staff = personas["staff_xy"]
    approve(enterprise_xy, staff)
    with pytest.raises(DomainError, match="公示牌"):
        enterprise_close(user=staff, enterprise=enterprise_xy, reason="已注销")
    enterprise = EnterpriseFactory(jurisdiction=xy)
    Application.objects.create(enterprise=enterprise, status=Application.Status.IN_REVIEW,
                               chain=Application.Chain.DUAL_SIGNATURE, returning_headcount=1, filed_by=staff,
                               requested_reopen_on=enterprise.created_at.date())
    with pytest.raises(DomainError, match="申请"):
        enterprise_close(user=staff, enterprise=enterprise, reason="已注销")
    assert status_of(enterprise_xy) == status_of(enterprise) == "not_reopened"
    assert not AuditEntry.objects.filter(action="enterprise.close").exists()


def test_the_close_page(client_for, enterprise_xy):
    client = client_for("staff_xy")
    detail = client.get(enterprise_xy.get_absolute_url()).content.decode()
    url = reverse("enterprises:close", args=[enterprise_xy.pk])
    assert url in detail
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "关闭原因" in response.content.decode()
    assert client.post(url, {"reason": "长" * 501}).status_code == 400
    assert status_of(enterprise_xy) == "not_reopened"
    response = client.post(url, {"reason": "已迁出本区"})
    assert response.status_code == 302 and response["Location"] == enterprise_xy.get_absolute_url()
    page = client.get(enterprise_xy.get_absolute_url()).content.decode()
    assert "已关闭" in page and url not in page
    assert client.post(url, {"reason": "再次"}).status_code == 409
    # Out of scope: 404; another role: 403.
    assert client_for("staff_ds").get(url).status_code == 404
    assert client_for("taskforce").post(url, {"reason": "x"}).status_code == 403


# --- the import ----------------------------------------------------------------------------------------

def test_an_import_never_sets_the_status(personas, xy):
    """The export's 经营状态 column is ignored on import: new enterprises start 未复工, registered enterprises keep
    theirs (check for issue 7 item 17: passes before and after)."""
    staff = personas["staff_xy"]
    headers = [*HEADERS, IGNORED_HEADERS[0]]
    assert IGNORED_HEADERS[0] == "经营状态"
    result = enterprise_import(user=staff, file=xlsx([[*row(1), "已复工"]], headers=headers), filename="a.xlsx",
                               mode=MODE_UPDATE, dry_run=False)
    assert result.ok, result.errors
    enterprise = Enterprise.objects.get()
    assert enterprise.operating_status == "not_reopened"
    Enterprise.objects.filter(pk=enterprise.pk).update(operating_status="closed")
    result = enterprise_import(user=staff, file=xlsx([[*row(1, 员工人数=30), "已复工"]], headers=headers),
                               filename="a.xlsx", mode=MODE_UPDATE, dry_run=False)
    assert result.ok and result.updated == 1, result.errors
    assert Enterprise.objects.values_list("operating_status", "employee_count").get() == ("closed", 30)
