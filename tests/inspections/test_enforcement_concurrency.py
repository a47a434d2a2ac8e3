"""Two patrol members at once, a stop-work against an approval, a failure half-way: one outcome, recorded
once, nothing half-written (real threads on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.services import user_create
from approvals.services.chain import task_force_decide
from enterprises.choices import OperatingStatus
from inspections.models import Finding, Inspection, RectificationOrder, StopWork
from inspections.services.orders import order_reinspect
from org.models import PatrolTeam
from placards.models import Placard
from tests.approvals import helpers as h
from tests.approvals.test_concurrency import race
from tests.factories import EnterpriseFactory
from tests.inspections.helpers import all_yes, failed, record
from tests.placards.helpers import approve
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
XY_TEAM = "向阳街道联合巡查组"


def stop_answers(enterprise):
    return all_yes(enterprise, gate_duty=failed("门岗无人，未测温", action=Finding.Action.STOP_WORK))


@pytest.fixture
def order(personas, enterprise_xy):
    enterprise_xy.operating_status = OperatingStatus.REOPENED
    enterprise_xy.save()
    record(personas["inspector_xy"], enterprise_xy, XY_TEAM, answers=all_yes(enterprise_xy, masks=failed("未戴口罩")))
    return RectificationOrder.objects.get()


def test_two_inspectors_closing_one_order(personas, order):
    second = user_create(username="inspector_xy2", password="x" * 12, role="inspector", agency="police",
                         teams=[PatrolTeam.objects.get(name=XY_TEAM)])
    team = PatrolTeam.objects.get(name=XY_TEAM)
    now = timezone.now()

    def close(actor, outcome):
        return lambda: order_reinspect(actor=actor, order=order, team=team, outcome=outcome, note="复查",
                                       started_at=now - dt.timedelta(minutes=9), ended_at=now)

    results = race(close(personas["inspector_xy"], "pass"), close(second, "stop_work"))
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    order.refresh_from_db()
    assert order.status in ("closed", "escalated")
    closing = AuditEntry.objects.filter(action__in=("order.close", "order.escalate"), target_id=order.pk)
    assert closing.count() == 1
    assert Inspection.objects.filter(order=order).count() == 1
    assert StopWork.objects.count() == (1 if order.status == "escalated" else 0)


@pytest.mark.parametrize("first", ["approval", "stop_work", "together"])
def test_a_stop_work_against_an_approval(personas, xy, gxj, first):
    """Whichever comes first, the end is consistent: the enterprise is shut and no placard stays valid."""
    large = EnterpriseFactory(jurisdiction=xy, department=gxj, scale="large", employee_count=300)
    application = h.at_task_force(personas["staff_xy"], personas["dept_gxj"], large)
    approve_it = lambda: task_force_decide(user=personas["taskforce"], application=application,  # noqa: E731
                                           outcome="approve", opinion="同意")
    stop_it = lambda: record(personas["inspector_xy"], large, XY_TEAM, answers=stop_answers(large))  # noqa: E731
    if first == "together":
        results = race(approve_it, stop_it)
    else:
        calls = [approve_it, stop_it] if first == "approval" else [stop_it, approve_it]
        results = []
        for call in calls:
            try:
                results.append(("ok", call()))
            except DomainError as exc:
                results.append(("refused", exc))
    large.refresh_from_db()
    application.refresh_from_db()
    assert large.operating_status == OperatingStatus.CLOSED
    assert StopWork.objects.filter(enterprise=large, status="active").count() == 1
    assert not Placard.objects.filter(enterprise=large, status=Placard.Status.VALID).exists()
    if application.status == "approved":  # the approval came first: its placard was suspended after
        assert Placard.objects.get(enterprise=large).status == Placard.Status.SUSPENDED
    else:
        refused = [r[1] for r in results if r[0] == "refused"]
        assert refused and "责令停工" in refused[0].message


def test_a_failure_while_suspending_the_placard_rolls_everything_back(personas, enterprise_xy, monkeypatch):
    import inspections.services.stop_work as stop_work

    placard = approve(enterprise_xy, personas["secretary_xy"])
    enterprise_xy.operating_status = OperatingStatus.REOPENED
    enterprise_xy.save()

    def broken(**kwargs):
        raise RuntimeError("storage down")

    monkeypatch.setattr(stop_work, "placard_suspend", broken)
    with pytest.raises(RuntimeError):
        record(personas["inspector_xy"], enterprise_xy, XY_TEAM, answers=stop_answers(enterprise_xy))
    enterprise_xy.refresh_from_db()
    placard.refresh_from_db()
    assert enterprise_xy.operating_status == OperatingStatus.REOPENED
    assert placard.status == Placard.Status.VALID
    assert not Inspection.objects.exists() and not Finding.objects.exists() and not StopWork.objects.exists()
    assert not AuditEntry.objects.filter(action__in=("enterprise.stop_work", "inspection.record")).exists()
