"""The patrol rule tables walked against the services: for every state, action and persona, the service
does exactly what the table says (allowed → done; refused → the table's reason, nothing written)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from enterprises.choices import OperatingStatus
from inspections.models import Checklist, Finding, Inspection, RectificationOrder, StopWork
from inspections.rules import checklist as checklist_rules
from inspections.rules import inspection as inspection_rules
from inspections.rules import order as order_rules
from inspections.rules import stop_work as stop_rules
from inspections.rules.common import teams_covering
from inspections.services.checklists import checklist_draft
from inspections.services.orders import OUTCOME_ACTIONS, order_reinspect
from inspections.services.stop_work import stop_work_lift
from org.models import PatrolTeam
from tests.conftest import PERSONAS
from tests.inspections.helpers import all_yes, failed, record
from zhifu_reopen.errors import DomainError

pytestmark = pytest.mark.django_db
XY_TEAM = "向阳街道联合巡查组"


def team_of(user, enterprise):
    from accounts.scope import scope_for

    teams = teams_covering(user, scope_for(user), enterprise.jurisdiction_id)
    return teams[0] if teams else PatrolTeam.objects.get(name=XY_TEAM)


def outcome(call) -> bool:
    """Run ``call`` and undo it: True when done, False when refused."""
    try:
        with transaction.atomic():
            call()
            transaction.set_rollback(True)
        return True
    except DomainError:
        return False


@pytest.fixture
def enterprise(enterprise_xy):
    enterprise_xy.operating_status = OperatingStatus.REOPENED
    enterprise_xy.save()
    return enterprise_xy


def test_record_walk(personas, enterprise, enterprise_ds):
    for target in (enterprise, enterprise_ds):
        for name in PERSONAS:
            user = personas[name]
            team = team_of(user, target)
            allowed = inspection_rules.may(user, "record", Inspection(enterprise=target, team=team), team=team).allowed
            done = outcome(lambda: record(user, target, team.name, answers=all_yes(target)))  # noqa: B023
            assert done == allowed, (name, target.jurisdiction.name)
            expected = name in ("inspector_xy", "inspector_d1") if target is enterprise else name in (
                "inspector_ds", "inspector_d1")
            assert allowed == expected, name


@pytest.mark.parametrize("state", ["open", "closed", "escalated"])
@pytest.mark.parametrize("action", ["pass", "stop_work", "extend"])
def test_order_walk(personas, enterprise, state, action):
    record(personas["inspector_xy"], enterprise, XY_TEAM, answers=all_yes(enterprise, masks=failed("未戴口罩")))
    order = RectificationOrder.objects.get()
    RectificationOrder.objects.filter(pk=order.pk).update(status=state)
    order.refresh_from_db()
    now = timezone.now()
    for name in PERSONAS:
        user = personas[name]
        team = team_of(user, enterprise)
        verdict = order_rules.may(user, OUTCOME_ACTIONS[action], order, team=team)
        done = outcome(lambda: order_reinspect(
            actor=user, order=order, team=team, outcome=action, note="复查", extension_reason="材料未到",  # noqa: B023
            new_due_on=order.due_on + dt.timedelta(days=3), started_at=now - dt.timedelta(minutes=5), ended_at=now))
        assert done == verdict.allowed, (name, state, action, verdict.reason)
        assert verdict.allowed == (state == "open" and name in ("inspector_xy", "inspector_d1")), name


def test_extend_only_once(personas, enterprise):
    record(personas["inspector_xy"], enterprise, XY_TEAM, answers=all_yes(enterprise, masks=failed("未戴口罩")))
    order = RectificationOrder.objects.get()
    team = PatrolTeam.objects.get(name=XY_TEAM)
    now = timezone.now()

    def extend():
        return order_reinspect(actor=personas["inspector_xy"], order=order, team=team, outcome="extend",
                               note="口罩未到货", extension_reason="物资未到", new_due_on=order.due_on + dt.timedelta(days=2),
                               started_at=now - dt.timedelta(minutes=5), ended_at=now)

    extend()
    order.refresh_from_db()
    assert order.extension_reason == "物资未到" and order.due_on == order.first_due_on + dt.timedelta(days=2)
    with pytest.raises(DomainError) as refused:
        extend()
    assert "已延期一次" in refused.value.message


@pytest.mark.parametrize("state", ["active", "lifted"])
def test_lift_walk(personas, enterprise, state):
    record(personas["inspector_xy"], enterprise, XY_TEAM,
           answers=all_yes(enterprise, gate_duty=failed("门岗无人", action=Finding.Action.STOP_WORK)))
    stop = StopWork.objects.get()
    StopWork.objects.filter(pk=stop.pk).update(status=state)
    stop.refresh_from_db()
    now = timezone.now()
    for name in PERSONAS:
        user = personas[name]
        team = team_of(user, enterprise) if user.role == "inspector" else None
        verdict = stop_rules.may(user, "lift", stop, team=team)
        done = outcome(lambda: stop_work_lift(actor=user, stop=stop, reason="复查合格", team=team,  # noqa: B023
                                              started_at=now - dt.timedelta(minutes=5), ended_at=now))
        assert done == verdict.allowed, (name, state)
        assert verdict.allowed == (state == "active" and name in ("inspector_xy", "inspector_d1", "taskforce")), name


def test_checklist_walk(personas, org):
    checklist = Checklist.objects.get(purpose="venue")
    for name in PERSONAS:
        user = personas[name]
        allowed = checklist_rules.may(user, "edit", checklist).allowed
        assert outcome(lambda: checklist_draft(actor=user, checklist=checklist)) == allowed  # noqa: B023
        assert allowed == (name == "taskforce"), name
        assert checklist_rules.may(user, "view", checklist).allowed == (name == "taskforce" or user.role == "inspector")
