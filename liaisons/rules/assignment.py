"""The rule table of liaison assignments (驻企联络员派驻): the street's officials assign a liaison to the
firms of their street, end an assignment and hand a liaison's firms over to another; the task force does
so anywhere. The object is the enterprise (its street decides who may)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scope import scope_for
from zhifu_reopen.rules import ANY, SUPERUSER, Grant, Rule, Table, Verdict

ASSIGNERS = (Grant(Role.STREET_STAFF, "jurisdiction"), Grant(Role.STREET_DIRECTOR, "jurisdiction"),
             Grant(Role.TASK_FORCE, "district"), Grant(SUPERUSER, "district"))
NO_ASSIGN = gettext_lazy("只有企业所在街道的工作人员、主任或区工作专班可以派驻联络员。")

RULES = [
    Rule("assign", states=(ANY,), who=ASSIGNERS, forbidden=NO_ASSIGN, label=gettext_lazy("派驻联络员")),
    Rule("unassign", states=(ANY,), who=ASSIGNERS, forbidden=NO_ASSIGN, label=gettext_lazy("结束派驻")),
    Rule("handover", states=(ANY,), who=ASSIGNERS, forbidden=NO_ASSIGN, label=gettext_lazy("整体移交")),
]

TABLE = Table("liaison_assignment", RULES, state_of=lambda e: "enterprise", scope_of=scope_for,
              jurisdiction_of=lambda e: e.jurisdiction_id, department_of=lambda e: None)


def may(user, action: str, enterprise, **ctx) -> Verdict:
    return TABLE.may(user, action, enterprise, **ctx)


def require(user, action: str, enterprise, **ctx) -> Verdict:
    return TABLE.require(user, action, enterprise, **ctx)


ASSIGNER_ROLES = TABLE.roles_for("assign")
