"""The rule table of a rectification order (整改通知): from ``open`` a covering patrol member re-inspects
it (passing closes it, failing escalates it to a stop-work) or extends it once; a closed or escalated
order is final. The readers are those of the inspection table."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifu_reopen.rules import ANY, Rule, Verdict

from ..models import RectificationOrder
from .inspection import INSPECTORS, READERS, patrol_table

S = RectificationOrder.Status
NO_ACT = gettext_lazy("只有覆盖该企业所在街道的巡查组成员可以复查整改。")
NOT_VISIBLE = gettext_lazy("找不到该整改通知，或不在您的管辖范围内。")


def state_of(order: RectificationOrder) -> str:
    return order.status


def refuse_state(table, order: RectificationOrder, rule: Rule) -> Verdict:
    return Verdict.refuse(_("该整改通知%(status)s，不能再复查或延期。") % {"status": order.get_status_display()},
                          code="conflict", conflict=True)


def not_extended(table, user, order: RectificationOrder, rule: Rule, ctx) -> Verdict | None:
    if order.extension_reason:
        return Verdict.refuse(_("该整改通知已延期一次，不能再延期；复查不合格请责令停工。"), code="refused")
    return None


RULES = [
    Rule("reinspect_pass", states=(S.OPEN,), who=INSPECTORS, to=S.CLOSED, forbidden=NO_ACT,
         label=gettext_lazy("复查合格")),
    Rule("reinspect_stop_work", states=(S.OPEN,), who=INSPECTORS, to=S.ESCALATED, forbidden=NO_ACT,
         label=gettext_lazy("复查不合格，责令停工")),
    Rule("extend", states=(S.OPEN,), who=INSPECTORS, forbidden=NO_ACT, guards=("not_extended",),
         label=gettext_lazy("复查不合格，延期整改")),
    Rule("view", states=(ANY,), who=READERS, forbidden=NOT_VISIBLE, label=gettext_lazy("查看")),
]

TABLE = patrol_table("order", RULES, state_of=state_of, guards={"not_extended": not_extended},
                     refusals={"default": refuse_state})
OUTCOMES = ("reinspect_pass", "reinspect_stop_work", "extend")


def may(user, action: str, order: RectificationOrder, **ctx) -> Verdict:
    return TABLE.may(user, action, order, **ctx)


def require(user, action: str, order: RectificationOrder, **ctx) -> Verdict:
    return TABLE.require(user, action, order, **ctx)
