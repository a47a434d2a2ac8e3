"""Issue 7 §1 and §3: the placard tells the truth about its application, through the real services.

A rejection or withdrawal after approval revokes the placard and the enterprise is no longer 已复工, in the
deciding transaction, with the decision's reason; while an approved application is back under review
after a change the verify page says 变更审核中 and stays valid; a revoked placard is not drawn again.
The placard's 准许复工日期 is the later of the approval day and the day the enterprise asked for."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals.services import applications as filing
from approvals.services.review import street_decide
from approvals.services.signatures import signature_add
from placards.models import Placard
from placards.services import placard_render_request
from tests.approvals import helpers as h
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry, Job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _verify_unlimited(settings):
    settings.PLACARD_SCAN_BUFFER = 1
    settings.PLACARD_VERIFY_RATE_LIMIT = 0


def approved(personas, enterprise, **kw):
    staff = personas["staff_xy"]
    application = h.street_approved(staff, enterprise, **kw)
    signature_add(user=personas["secretary_xy"], application=application, post="secretary", opinion="同意")
    application = signature_add(user=personas["director_xy"], application=application, post="director",
                                opinion="同意")
    assert application.status == "approved"
    return application


def changed(personas, application):
    """A change of substance after approval: back to the street step (iteration + 1)."""
    application = filing.application_update(
        user=personas["staff_xy"], application=application, reason="返岗人数调整",
        data={**h.app_data(), "returning_headcount": 1, "requested_reopen_on": application.requested_reopen_on},
    )
    assert application.status == "submitted" and application.current_step == "street"
    return application


def verify(placard):
    return Client().get(reverse("placard_verify", args=[placard.token])).text


def test_a_change_under_review_says_so_and_stays_valid(personas, enterprise_xy):
    application = approved(personas, enterprise_xy)
    placard = Placard.objects.get(application=application)
    assert "变更审核中" not in verify(placard)
    application = changed(personas, application)
    html = verify(placard)
    assert 'data-status="valid"' in html and "变更审核中" in html and 'id="verify-under-review"' in html
    enterprise_xy.refresh_from_db()
    assert enterprise_xy.operating_status == "reopened"
    # Returned for correction: still under review, still valid.
    street_decide(user=h.colleague(personas["staff_xy"]), application=application, outcome="return",
                  opinion="请补正")
    html = verify(placard)
    assert 'data-status="valid"' in html and "变更审核中" in html
    page = Client()
    page.force_login(personas["staff_xy"])
    assert 'id="placard-under-review"' in page.get(reverse("placards:detail", args=[placard.pk])).text


def test_a_rejected_change_revokes_the_placard_and_the_enterprise_is_no_longer_reopened(personas, enterprise_xy):
    application = approved(personas, enterprise_xy)
    placard = Placard.objects.get(application=application)
    enterprise_xy.refresh_from_db()
    assert enterprise_xy.operating_status == "reopened"
    application = changed(personas, application)
    reviewer = h.colleague(personas["staff_xy"])
    street_decide(user=reviewer, application=application, outcome="reject", opinion="变更后返岗人员不符合防控要求")
    placard.refresh_from_db()
    assert placard.status == "revoked" and "变更后返岗人员不符合防控要求" in placard.status_reason
    assert application.number in placard.status_reason
    enterprise_xy.refresh_from_db()
    assert enterprise_xy.operating_status == "not_reopened"
    html = verify(placard)
    assert 'data-status="revoked"' in html and "变更后返岗人员不符合防控要求" in html and "变更审核中" not in html
    revoke = AuditEntry.objects.get(action="placard.revoke", target_id=placard.pk)
    assert revoke.actor == reviewer
    assert AuditEntry.objects.filter(action="enterprise.reopen_revoked", target_id=enterprise_xy.pk).count() == 1


def test_a_withdrawal_after_approval_revokes_the_placard(personas, enterprise_xy):
    application = approved(personas, enterprise_xy)
    placard = Placard.objects.get(application=application)
    application = changed(personas, application)
    filing.application_withdraw(user=personas["staff_xy"], application=application, reason="企业决定停业")
    placard.refresh_from_db()
    assert placard.status == "revoked" and "企业决定停业" in placard.status_reason
    enterprise_xy.refresh_from_db()
    assert enterprise_xy.operating_status == "not_reopened"


def test_a_enterprise_under_a_stop_work_order_stays_closed_when_its_approval_lapses(personas, enterprise_xy):
    application = approved(personas, enterprise_xy)
    type(enterprise_xy).objects.filter(pk=enterprise_xy.pk).update(operating_status="closed")
    application = changed(personas, application)
    street_decide(user=h.colleague(personas["staff_xy"]), application=application, outcome="reject",
                  opinion="不符合条件")
    enterprise_xy.refresh_from_db()
    assert enterprise_xy.operating_status == "closed"
    assert Placard.objects.get(application=application).status == "revoked"


def test_the_revocation_is_in_the_deciding_transaction(personas, enterprise_xy):
    application = approved(personas, enterprise_xy)
    placard = Placard.objects.get(application=application)
    application = changed(personas, application)
    failing = mock.patch("placards.services.placard_revoke_for_application", side_effect=RuntimeError("boom"))
    with failing, pytest.raises(RuntimeError):
        street_decide(user=h.colleague(personas["staff_xy"]), application=application, outcome="reject",
                      opinion="不符合条件")
    application.refresh_from_db()
    placard.refresh_from_db()
    enterprise_xy.refresh_from_db()
    assert application.status == "submitted" and placard.status == "valid"
    assert enterprise_xy.operating_status == "reopened"


def test_a_revoked_placard_is_not_drawn_again(personas, enterprise_xy):
    application = approved(personas, enterprise_xy)
    placard = Placard.objects.get(application=application)
    application = changed(personas, application)
    street_decide(user=h.colleague(personas["staff_xy"]), application=application, outcome="reject",
                  opinion="不符合条件")
    jobs = Job.objects.count()
    with pytest.raises(DomainError) as info:
        placard_render_request(placard=placard, actor=personas["staff_xy"])
    assert info.value.code == "revoked" and "已撤销" in info.value.message
    c = Client()
    c.force_login(personas["staff_xy"])
    r = c.post(reverse("placards:reprint", args=[placard.pk]))
    assert r.status_code == 409 and "已撤销" in r.text and "不能重新生成" in r.text
    assert Job.objects.count() == jobs
    assert not AuditEntry.objects.filter(action="placard.reprint", target_id=placard.pk).exists()
    r = c.post(reverse("placards:batch"), {"ids": [placard.pk]})
    assert Job.objects.count() == jobs


def test_the_placard_date_is_the_later_of_approval_and_the_requested_day(personas, enterprise_xy, xy):
    from tests.factories import EnterpriseFactory

    later = timezone.localdate() + timedelta(days=10)
    application = approved(personas, enterprise_xy, requested_reopen_on=later)
    assert Placard.objects.get(application=application).approved_on == later
    soon = approved(personas, EnterpriseFactory(jurisdiction=xy), requested_reopen_on=timezone.localdate())
    assert Placard.objects.get(application=soon).approved_on == timezone.localdate()
    assert date.today()
