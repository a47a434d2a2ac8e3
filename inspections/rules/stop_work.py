"""The rule table of a stop-work (责令停工): an active one is lifted by a covering patrol member after a
passed re-inspection, or by the task force; a lifted one is final (a new finding starts a new one)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from zhifu_reopen.rules import ANY, Grant, Rule, Verdict

from ..models import StopWork
from .inspection import INSPECTORS, READERS, patrol_table

S = StopWork.Status
NO_LIFT = gettext_lazy("只有覆盖该企业所在街道的巡查组成员或工作专班可以解除停工。")
NOT_VISIBLE = gettext_lazy("找不到该停工记录，或不在您的管辖范围内。")
LIFTERS = (*INSPECTORS, Grant(Role.TASK_FORCE, "district"))


def state_of(stop: StopWork) -> str:
    return stop.status


def refuse_state(table, stop: StopWork, rule: Rule) -> Verdict:
    return Verdict.refuse(_("该停工已解除。"), code="conflict", conflict=True)


RULES = [
    Rule("lift", states=(S.ACTIVE,), who=LIFTERS, to=S.LIFTED, forbidden=NO_LIFT, label=gettext_lazy("解除停工")),
    Rule("view", states=(ANY,), who=READERS, forbidden=NOT_VISIBLE, label=gettext_lazy("查看")),
]

TABLE = patrol_table("stop_work", RULES, state_of=state_of, refusals={"default": refuse_state})


def may(user, action: str, stop: StopWork, **ctx) -> Verdict:
    return TABLE.may(user, action, stop, **ctx)


def require(user, action: str, stop: StopWork, **ctx) -> Verdict:
    return TABLE.require(user, action, stop, **ctx)
