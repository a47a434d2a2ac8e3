"""Issue 7 §18: the official who filed an application never takes its street step; a street with a
single official may let the filer take it (a setting), and the timeline then says so."""

import pytest
from django.urls import reverse

from approvals.models import Decision
from approvals.services import applications as filing
from approvals.services.review import material_verdicts_set, street_decide
from tests.approvals import helpers as h
from tests.factories import EnterpriseFactory
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

pytestmark = pytest.mark.django_db


def _verdicts(app):
    return {m.pk: ("accepted", "") for m in app.materials.filter(is_current=True)}


def test_the_filer_can_neither_judge_the_materials_nor_decide_the_street_step(staff, reviewer, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    h.meet(staff, app)  # the filer may still record the meeting with the principal
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError) as info:
        material_verdicts_set(user=staff, application=app, verdicts=_verdicts(app))
    assert info.value.code == "forbidden" and "其他工作人员" in info.value.message
    for outcome in ("approve", "return", "reject"):
        with pytest.raises(DomainError) as info:
            street_decide(user=staff, application=app, outcome=outcome, opinion="同意")
        assert info.value.code == "forbidden"
    assert AuditEntry.objects.count() == entries and not Decision.objects.filter(kind="street").exists()
    material_verdicts_set(user=reviewer, application=app, verdicts=_verdicts(app))
    app = street_decide(user=reviewer, application=app, outcome="approve", opinion="同意")
    assert app.current_step == "signature"
    assert Decision.objects.get(application=app, kind="street").actor == reviewer


def test_whoever_resubmitted_this_round_does_not_review_it_either(staff, reviewer, enterprise_xy):
    """A colleague who corrects and resubmits a returned application filed this round: a third official
    (or the original filer) reviews it."""
    app = h.submitted(staff, enterprise_xy)
    app = street_decide(user=reviewer, application=app, outcome="return", opinion="请补正")
    app = filing.application_submit(user=reviewer, application=app)
    with pytest.raises(DomainError):
        street_decide(user=reviewer, application=app, outcome="reject", opinion="不符合条件")
    with pytest.raises(DomainError):
        street_decide(user=staff, application=app, outcome="reject", opinion="不符合条件")


def test_the_filer_sees_no_review_forms_and_a_posted_decision_is_a_403(client_for, staff, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    c = client_for("staff_xy")
    page = c.get(reverse("approvals:detail", args=[app.pk])).text
    assert 'id="filer-cannot-review"' in page
    assert 'id="decide-btn"' not in page and 'id="verdicts-form"' not in page
    r = c.post(reverse("approvals:decide", args=[app.pk]), {"outcome": "return", "opinion": "请补正",
                                                             "seen_iteration": 1})
    assert r.status_code == 403 and "其他工作人员" in r.text
    data = {f"verdict_{m.pk}": "accepted" for m in app.materials.all()}
    assert c.post(reverse("approvals:verdicts", args=[app.pk]), data).status_code == 403
    other = client_for(None)
    other.force_login(h.colleague(staff))
    page = other.get(reverse("approvals:detail", args=[app.pk])).text
    assert 'id="decide-btn"' in page and 'id="verdicts-form"' in page and 'id="filer-cannot-review"' not in page


def test_a_street_with_one_official_may_let_the_filer_review_and_the_timeline_says_so(
    settings, personas, ds, swj, client_for
):
    settings.APPROVALS_SOLE_OFFICIAL_MAY_REVIEW = True
    filer = personas["staff_ds"]  # the only official of 东山街道 in this test
    app = h.submitted(filer, EnterpriseFactory(jurisdiction=ds, department=swj, scale="small"))
    h.accept_all(filer, app)
    h.meet(filer, app)
    app = street_decide(user=filer, application=app, outcome="approve", opinion="同意")
    decision = Decision.objects.get(application=app, kind="street")
    assert decision.actor == filer and "经办人兼任街道审核" in decision.post
    page = client_for("staff_ds").get(reverse("approvals:detail", args=[app.pk])).text
    assert "本街道/园区仅一名工作人员，经办人兼任街道审核" in page


def test_the_exception_does_not_apply_once_the_street_has_a_second_official(settings, personas, ds, swj):
    settings.APPROVALS_SOLE_OFFICIAL_MAY_REVIEW = True
    filer = personas["staff_ds"]
    h.colleague(filer)
    app = h.submitted(filer, EnterpriseFactory(jurisdiction=ds, department=swj, scale="small"))
    with pytest.raises(DomainError) as info:
        material_verdicts_set(user=filer, application=app, verdicts=_verdicts(app))
    assert info.value.code == "forbidden"


def test_without_the_setting_a_sole_official_cannot_review_their_own_filing(personas, ds, swj):
    filer = personas["staff_ds"]
    app = h.submitted(filer, EnterpriseFactory(jurisdiction=ds, department=swj, scale="small"))
    with pytest.raises(DomainError):
        street_decide(user=filer, application=app, outcome="reject", opinion="不符合条件")
