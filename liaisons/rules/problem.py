"""The rule table of a problem (企业诉求). State: (status, owner).

* ``raise``: the firm's liaison, the firm itself, or an official of its street.
* The owner works it: while the street owns it, the firm's liaison and the street's officials take it
  (``start``), resolve it (a note required) or escalate it — to the firm's department (``escalate_department``,
  when it has one) or to the task force (``escalate_task_force``); a department that owns it resolves it or
  escalates it to the task force; the task force acts on every problem.
* ``rate`` (好差评): the firm rates a resolved problem once; 'not satisfied' opens a follow-up for the street.
* ``view``: the firm, its liaison, its street's officials and leaders, its department, the task force.
* Overdue problems escalate on Celery beat (``liaisons.services.problems.problems_escalate_overdue``):
  the street's to the department (or the task force), the department's to the task force.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scope import scope_for
from zhifu_reopen.rules import ANY, SUPERUSER, Grant, Rule, Table, Verdict

from ..models import Problem
from .common import scope_assigned, scope_own

S, OWN = Problem.Status, Problem.Owner
NEW = ("new", "")

READERS = (
    Grant(Role.ENTERPRISE, "own"), Grant(Role.LIAISON, "assigned"), Grant(Role.STREET_STAFF, "jurisdiction"),
    Grant(Role.STREET_SECRETARY, "jurisdiction"), Grant(Role.STREET_DIRECTOR, "jurisdiction"),
    Grant(Role.DEPARTMENT_REVIEWER, "department"), Grant(Role.TASK_FORCE, "district"), Grant(SUPERUSER, "district"),
)
RAISERS = (Grant(Role.ENTERPRISE, "own"), Grant(Role.LIAISON, "assigned"), Grant(Role.STREET_STAFF, "jurisdiction"),
           Grant(Role.TASK_FORCE, "district"), Grant(SUPERUSER, "district"))
OWNERS = (Grant(Role.LIAISON, "owner"), Grant(Role.STREET_STAFF, "owner"), Grant(Role.DEPARTMENT_REVIEWER, "owner"),
          Grant(Role.TASK_FORCE, "district"), Grant(SUPERUSER, "district"))
RATERS = (Grant(Role.ENTERPRISE, "own"),)

NOT_VISIBLE = gettext_lazy("找不到该诉求，或不在您的管辖范围内。")
NO_RAISE = gettext_lazy("只有企业本身、其驻企联络员或所在街道的工作人员可以登记诉求。")
NO_WORK = gettext_lazy("只有该诉求的责任单位可以办理。")
NO_RATE = gettext_lazy("只有提出诉求的企业可以评价办理结果。")
OPEN_STREET = ((S.OPEN, OWN.STREET), (S.IN_PROGRESS, OWN.STREET))
OPEN_ANY = ((S.OPEN, ANY), (S.IN_PROGRESS, ANY), (S.ESCALATED, ANY))


def state_of(problem: Problem) -> tuple:
    return NEW if problem.pk is None else (problem.status, problem.owner)


def scope_owner(table, user, scope, problem: Problem, ctx) -> bool | Verdict:
    """The user works for the unit owning the problem now (the street: its liaison and officials)."""
    role = scope.role
    if problem.owner == OWN.STREET:
        if role == Role.LIAISON:
            return scope_assigned(table, user, scope, problem, ctx)
        if role == Role.STREET_STAFF:
            return problem.jurisdiction_id in scope.jurisdiction_ids
    elif problem.owner == OWN.DEPARTMENT and role == Role.DEPARTMENT_REVIEWER:
        return problem.department_id is not None and problem.department_id in scope.department_ids
    if problem.pk and _sees(user, scope, problem):
        return Verdict.refuse(_("该诉求已上报%(owner)s，由其办理。") % {"owner": problem.get_owner_display()},
                              code="forbidden")
    return False


def _sees(user, scope, problem) -> bool:
    return TABLE.may(user, "view", problem).allowed


def has_department(table, user, problem: Problem, rule: Rule, ctx) -> Verdict | None:
    if problem.department_id is None:
        return Verdict.refuse(_("该企业没有主管部门，请上报区工作专班。"), code="invalid")
    return None


def not_rated(table, user, problem: Problem, rule: Rule, ctx) -> Verdict | None:
    if problem.rating:
        return Verdict.refuse(_("该诉求已评价，不能重复评价。"), code="conflict", conflict=True)
    return None


def refuse_state(table, problem: Problem, rule: Rule) -> Verdict:
    if problem.status == S.RESOLVED:
        return Verdict.refuse(_("该诉求已解决，不能再%(action)s。") % {"action": rule.label}, code="conflict",
                              conflict=True)
    return Verdict.refuse(_("该诉求当前为“%(status)s（%(owner)s）”，不能%(action)s。") % {
        "status": problem.get_status_display(), "owner": problem.get_owner_display(), "action": rule.label},
        code="out_of_order")


def refuse_rate(table, problem: Problem, rule: Rule) -> Verdict:
    return Verdict.refuse(_("诉求解决后才能评价。"), code="out_of_order")


RULES = [
    Rule("view", states=(ANY,), who=READERS, forbidden=NOT_VISIBLE, label=gettext_lazy("查看")),
    Rule("raise", states=(NEW,), who=RAISERS, forbidden=NO_RAISE, to=(S.OPEN, OWN.STREET),
         label=gettext_lazy("登记诉求")),
    Rule("start", states=((S.OPEN, ANY),), who=OWNERS, forbidden=NO_WORK, to=(S.IN_PROGRESS, ANY),
         label=gettext_lazy("开始办理")),
    Rule("escalate_department", states=OPEN_STREET, who=OWNERS, forbidden=NO_WORK, guards=("has_department",),
         to=(S.ESCALATED, OWN.DEPARTMENT), label=gettext_lazy("上报主管部门")),
    Rule("escalate_task_force", states=(*OPEN_STREET, (S.ESCALATED, OWN.DEPARTMENT)), who=OWNERS, forbidden=NO_WORK,
         to=(S.ESCALATED, OWN.TASK_FORCE), label=gettext_lazy("上报区工作专班")),
    Rule("resolve", states=OPEN_ANY, who=OWNERS, forbidden=NO_WORK, to=(S.RESOLVED, ANY),
         label=gettext_lazy("办结")),
    Rule("rate", states=((S.RESOLVED, ANY),), who=RATERS, forbidden=NO_RATE, refusal="rate", guards=("not_rated",),
         label=gettext_lazy("评价")),
]

TABLE = Table(
    "problem", RULES, state_of=state_of, scope_of=scope_for,
    scopes={"assigned": scope_assigned, "own": scope_own, "owner": scope_owner},
    guards={"has_department": has_department, "not_rated": not_rated},
    refusals={"default": refuse_state, "rate": refuse_rate},
)
WORK_ACTIONS = ("start", "escalate_department", "escalate_task_force", "resolve")


def may(user, action: str, problem: Problem, **ctx) -> Verdict:
    return TABLE.may(user, action, problem, **ctx)


def require(user, action: str, problem: Problem, **ctx) -> Verdict:
    return TABLE.require(user, action, problem, **ctx)


PROBLEM_ROLES = TABLE.roles_for("view")
RAISER_ROLES = TABLE.roles_for("raise")
