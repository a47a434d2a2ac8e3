"""Through the real approvals services: both chains issue the placard in the approving transaction."""

import pytest

from approvals.services.chain import task_force_decide
from approvals.services.signatures import signature_add
from placards.models import Placard
from tests.approvals.helpers import at_task_force, street_approved
from tests.factories import EnterpriseFactory
from zhifu_reopen.models import Job

pytestmark = pytest.mark.django_db


def test_dual_signature_issues_and_renders(enterprise_xy, personas, django_capture_on_commit_callbacks):
    application = street_approved(personas["staff_xy"], enterprise_xy)
    signature_add(user=personas["secretary_xy"], application=application, post="secretary", opinion="同意")
    assert not Placard.objects.exists()  # one signature is not an approval
    with django_capture_on_commit_callbacks(execute=True):
        signature_add(user=personas["director_xy"], application=application, post="director", opinion="同意")
    placard = Placard.objects.get(application=application)
    assert placard.number.startswith("芝复工〔") and placard.issued_by == personas["director_xy"]
    assert placard.approved_headcount == application.returning_headcount
    assert Job.objects.get(pk=placard.render_job_id).status == Job.Status.DONE
    placard.refresh_from_db()
    assert placard.pdf


def test_three_party_chain_issues(xy, gxj, personas, django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory(jurisdiction=xy, department=gxj, scale="large", employee_count=500)
    application = at_task_force(personas["staff_xy"], personas["dept_gxj"], enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        task_force_decide(user=personas["taskforce"], application=application, outcome="approve", opinion="同意复工")
    placard = Placard.objects.get(application=application)
    assert placard.serial == 1 and placard.status == "valid"


def test_rejected_application_has_no_placard(xy, gxj, personas):
    enterprise = EnterpriseFactory(jurisdiction=xy, department=gxj, scale="large", employee_count=500)
    application = at_task_force(personas["staff_xy"], personas["dept_gxj"], enterprise)
    task_force_decide(user=personas["taskforce"], application=application, outcome="reject", opinion="不符合条件")
    assert not Placard.objects.exists()
