"""The rule table of an inspection (巡查): who may record one of which enterprise, and who may read it.

``record`` is taken on an inspection not saved yet (state ``new``) by a member of the inspection's team
(``ctx["team"]``) when that team covers the enterprise's street (``scope_team``). ``view`` is open to the
audience of DESIGN §1: the patrol members whose team covers the enterprise, the street's officials, the
department reviewer of the enterprise's department, the task force — and the superuser.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scope import scope_for
from enterprises.choices import OperatingStatus
from zhifu_reopen.rules import ANY, SUPERUSER, Grant, Rule, Table, Verdict

from ..models import Inspection
from .common import scope_team

NEW = "new"

INSPECTORS = (Grant(Role.INSPECTOR, "team"), Grant(SUPERUSER, "district"))
# Who reads patrol records (inspections, findings, orders, stop-works) of an enterprise.
READERS = (
    Grant(Role.INSPECTOR, "team"), Grant(Role.STREET_STAFF, "jurisdiction"),
    Grant(Role.STREET_SECRETARY, "jurisdiction"), Grant(Role.STREET_DIRECTOR, "jurisdiction"),
    Grant(Role.DEPARTMENT_REVIEWER, "department"), Grant(Role.TASK_FORCE, "district"),
    Grant(SUPERUSER, "district"),
)

NOT_VISIBLE = gettext_lazy("找不到该巡查记录，或不在您的管辖范围内。")
NO_RECORD = gettext_lazy("只有覆盖该企业所在街道的巡查组成员可以记录巡查。")


def enterprise_of(obj):
    return obj.enterprise


def state_of(inspection: Inspection) -> str:
    return NEW if inspection.pk is None else "recorded"


def not_ceased(table, user, inspection: Inspection, rule: Rule, ctx) -> Verdict | None:
    if inspection.enterprise.operating_status == OperatingStatus.CEASED:
        return Verdict.refuse(_("该企业已关闭，不再巡查。"), code="conflict", conflict=True)
    return None


def refuse_state(table, inspection: Inspection, rule: Rule) -> Verdict:
    return Verdict.refuse(_("该巡查已记录，不能再次提交。"), code="conflict", conflict=True)


RULES = [
    Rule("record", states=(NEW,), who=INSPECTORS, forbidden=NO_RECORD, guards=("not_ceased",),
         label=gettext_lazy("记录巡查")),
    Rule("view", states=(ANY,), who=READERS, forbidden=NOT_VISIBLE, label=gettext_lazy("查看")),
]


def patrol_table(name: str, rules, *, state_of, refusals=None, guards=None) -> Table:
    """A table over an object with an ``enterprise`` (inspection, order, stop-work): scoped through the
    enterprise's street and department, with the patrol team's scope."""
    return Table(
        name, rules, state_of=state_of, scope_of=scope_for,
        jurisdiction_of=lambda obj: enterprise_of(obj).jurisdiction_id,
        department_of=lambda obj: enterprise_of(obj).department_id,
        scopes={"team": scope_team}, guards=guards or {}, refusals={"default": refuse_state, **(refusals or {})},
    )


TABLE = patrol_table("inspection", RULES, state_of=state_of, guards={"not_ceased": not_ceased})


def may(user, action: str, inspection: Inspection, **ctx) -> Verdict:
    return TABLE.may(user, action, inspection, **ctx)


def require(user, action: str, inspection: Inspection, **ctx) -> Verdict:
    return TABLE.require(user, action, inspection, **ctx)


RECORD_ROLES = TABLE.roles_for("record")
READER_ROLES = TABLE.roles_for("view")
