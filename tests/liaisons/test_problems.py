"""Problems (企业诉求): every transition and refusal through the services, the rule table walked for every
state, action and persona, the timeline, the audit, the beat's escalation and the firm's rating."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification
from liaisons.models import Problem, ProblemEvent
from liaisons.rules import problem as rules
from liaisons.services.problems import problem_act, problem_raise, problem_rate, problems_escalate_overdue
from tests.conftest import PERSONAS
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

pytestmark = pytest.mark.django_db
S, OWN = Problem.Status, Problem.Owner


def raise_one(user, enterprise, **kw):
    return problem_raise(actor=user, enterprise=enterprise, category=kw.get("category", "supplies"),
                         description=kw.get("description", "口罩只够两天"))


def outcome(call) -> bool:
    try:
        with transaction.atomic():
            call()
            transaction.set_rollback(True)
        return True
    except DomainError:
        return False


def test_raise_by_liaison_firm_and_street(personas, firm):
    for name in ("liaison_xy", "firm_xy", "staff_xy"):
        problem = raise_one(personas[name], firm)
        assert (problem.status, problem.owner) == (S.OPEN, OWN.STREET)
        assert problem.raised_by_enterprise == (name == "firm_xy")
        assert problem.due_at > timezone.now() + dt.timedelta(days=1)
        assert problem.events.get().action == "raise"
        assert AuditEntry.objects.filter(action="problem.raise", target_id=problem.pk).exists()
    assert Notification.objects.filter(user=personas["staff_xy"], code="problem.raised").exists()


@pytest.mark.parametrize("category, description, message", [
    ("", "缺口罩", "请选择诉求类别"), ("bogus", "缺口罩", "请选择诉求类别"), ("supplies", "   ", "请填写诉求内容"),
])
def test_raise_refusals_write_nothing(personas, firm, category, description, message):
    with pytest.raises(DomainError, match=message):
        raise_one(personas["liaison_xy"], firm, category=category, description=description)
    assert not Problem.objects.exists() and not AuditEntry.objects.filter(action="problem.raise").exists()


def test_out_of_scope_cannot_raise(personas, firm, enterprise_ds):
    for name in ("liaison_xy", "firm_xy", "staff_xy"):
        with pytest.raises(DomainError):
            raise_one(personas[name], enterprise_ds)
    assert not Problem.objects.exists()


def test_escalate_resolve_rate_unsatisfied_reopens_follow_up(personas, firm):
    problem = raise_one(personas["firm_xy"], firm)
    problem_act(actor=personas["liaison_xy"], problem=problem, act="start")
    with pytest.raises(DomainError, match="上报理由"):
        problem_act(actor=personas["liaison_xy"], problem=problem, act="escalate_department")
    problem_act(actor=personas["liaison_xy"], problem=problem, act="escalate_department", note="需工信局协调口罩")
    problem.refresh_from_db()
    assert (problem.status, problem.owner) == (S.ESCALATED, OWN.DEPARTMENT)
    with pytest.raises(DomainError, match="已上报"):  # the street no longer owns it
        problem_act(actor=personas["liaison_xy"], problem=problem, act="resolve", note="x")
    with pytest.raises(DomainError, match="办理结果"):
        problem_act(actor=personas["dept_gxj"], problem=problem, act="resolve")
    with pytest.raises(DomainError):
        problem_rate(actor=personas["firm_xy"], problem=problem, rating="satisfied")  # not resolved yet
    problem_act(actor=personas["dept_gxj"], problem=problem, act="resolve", note="已调拨口罩2000只")
    problem.refresh_from_db()
    assert problem.status == S.RESOLVED and problem.resolved_by == personas["dept_gxj"]
    assert Notification.objects.filter(user=personas["firm_xy"], code="problem.resolved").exists()
    with pytest.raises(DomainError, match="原因"):
        problem_rate(actor=personas["firm_xy"], problem=problem, rating="unsatisfied")
    with pytest.raises(DomainError):
        problem_rate(actor=personas["liaison_xy"], problem=problem, rating="satisfied")  # only the firm rates
    problem_rate(actor=personas["firm_xy"], problem=problem, rating="unsatisfied", comment="只到了一半")
    follow_up = Problem.objects.get(follow_up_of=problem)
    assert (follow_up.status, follow_up.owner) == (S.OPEN, OWN.STREET)
    assert "只到了一半" in follow_up.description
    with pytest.raises(DomainError, match="已评价"):
        problem_rate(actor=personas["firm_xy"], problem=problem, rating="satisfied")
    actions = list(ProblemEvent.objects.filter(problem=problem).values_list("action", flat=True))
    assert actions == ["raise", "start", "escalate_department", "resolve", "rate"]
    assert all(e.post for e in ProblemEvent.objects.filter(problem=problem))
    assert Notification.objects.filter(user=personas["staff_xy"], code="problem.follow_up").exists()


def test_enterprise_without_department_goes_to_task_force(personas, firm):
    firm.department = None
    firm.save()
    problem = raise_one(personas["liaison_xy"], firm)
    with pytest.raises(DomainError, match="没有主管部门"):
        problem_act(actor=personas["liaison_xy"], problem=problem, act="escalate_department", note="x")
    problem_act(actor=personas["staff_xy"], problem=problem, act="escalate_task_force", note="资金问题")
    problem_act(actor=personas["taskforce"], problem=problem, act="resolve", note="已协调贷款")
    assert Problem.objects.get().status == S.RESOLVED


def test_overdue_escalate_on_beat(personas, firm):
    problem = raise_one(personas["liaison_xy"], firm)
    later = problem.due_at + dt.timedelta(minutes=1)
    assert problems_escalate_overdue(now=problem.due_at - dt.timedelta(minutes=1)) == 0
    assert problems_escalate_overdue(now=later) == 1
    problem.refresh_from_db()
    assert (problem.status, problem.owner) == (S.ESCALATED, OWN.DEPARTMENT)
    assert problem.events.last().action == "auto_escalate" and problem.events.last().actor is None
    assert Notification.objects.filter(user=personas["dept_gxj"], code="problem.overdue").exists()
    assert problems_escalate_overdue(now=later) == 0  # a new deadline for the new owner
    assert problems_escalate_overdue(now=problem.due_at + dt.timedelta(minutes=1)) == 1
    problem.refresh_from_db()
    assert problem.owner == OWN.TASK_FORCE
    assert problems_escalate_overdue(now=problem.due_at + dt.timedelta(days=30)) == 0  # the top stays flagged
    assert problem.overdue is False or problem.owner == OWN.TASK_FORCE


STATES = [(S.OPEN, OWN.STREET), (S.IN_PROGRESS, OWN.STREET), (S.ESCALATED, OWN.DEPARTMENT),
          (S.ESCALATED, OWN.TASK_FORCE), (S.RESOLVED, OWN.STREET)]
STREET_WORKERS = {"liaison_xy", "staff_xy", "taskforce"}
EXPECTED = {  # (state, action) → who may
    **{(state, a): STREET_WORKERS for state in STATES[:2] for a in ("escalate_department", "escalate_task_force",
                                                                    "resolve")},
    ((S.OPEN, OWN.STREET), "start"): STREET_WORKERS,
    ((S.ESCALATED, OWN.DEPARTMENT), "escalate_task_force"): {"dept_gxj", "taskforce"},
    ((S.ESCALATED, OWN.DEPARTMENT), "resolve"): {"dept_gxj", "taskforce"},
    ((S.ESCALATED, OWN.TASK_FORCE), "resolve"): {"taskforce"},
}


@pytest.mark.parametrize("state", STATES, ids=lambda s: "-".join(s))
def test_rule_walk(personas, firm, state):
    """Every action from every state for every persona: the service does what the table says."""
    problem = raise_one(personas["staff_xy"], firm)
    Problem.objects.filter(pk=problem.pk).update(status=state[0], owner=state[1])
    problem.refresh_from_db()
    for action in rules.WORK_ACTIONS:
        for name in PERSONAS:
            user = personas[name]
            allowed = rules.may(user, action, problem).allowed
            done = outcome(lambda: problem_act(actor=user, problem=problem, act=action, note="理由"))  # noqa: B023
            assert done == allowed, (state, action, name)
            assert allowed == (name in EXPECTED.get((state, action), set())), (state, action, name)
    viewers = {"firm_xy", "liaison_xy", "staff_xy", "secretary_xy", "director_xy", "dept_gxj", "taskforce"}
    for name in PERSONAS:
        assert rules.may(personas[name], "view", problem).allowed == (name in viewers), name
        rate_ok = state[0] == S.RESOLVED and name == "firm_xy"
        assert outcome(lambda: problem_rate(actor=personas[name], problem=problem, rating="satisfied")) == rate_ok  # noqa: B023
