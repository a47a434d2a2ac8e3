"""The rule table of the daily log (日检查、日消毒) of an enterprise: the firm logs its own day; its liaison
or an official of its street may log on its behalf (marked so); the street puts an enterprise into the
regime or takes it out; the street's officials and leaders, the department and the task force read."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scope import scope_for
from enterprises.choices import Category, OperatingStatus
from zhifu_reopen.rules import ANY, SUPERUSER, Grant, Rule, Table, Verdict

from .common import scope_assigned, scope_own

IN, OUT = "in_regime", "not_in_regime"
READERS = (
    Grant(Role.ENTERPRISE, "own"), Grant(Role.LIAISON, "assigned"), Grant(Role.STREET_STAFF, "jurisdiction"),
    Grant(Role.STREET_SECRETARY, "jurisdiction"), Grant(Role.STREET_DIRECTOR, "jurisdiction"),
    Grant(Role.DEPARTMENT_REVIEWER, "department"), Grant(Role.TASK_FORCE, "district"), Grant(SUPERUSER, "district"),
)
LOGGERS = (Grant(Role.ENTERPRISE, "own"), Grant(Role.LIAISON, "assigned"), Grant(Role.STREET_STAFF, "jurisdiction"),
           Grant(SUPERUSER, "district"))
STREET = (Grant(Role.STREET_STAFF, "jurisdiction"), Grant(Role.TASK_FORCE, "district"), Grant(SUPERUSER, "district"))
NOT_VISIBLE = gettext_lazy("找不到该企业，或不在您的管辖范围内。")
NO_LOG = gettext_lazy("只有企业本身、其驻企联络员或所在街道的工作人员可以填报日检查日消毒。")
NO_REGIME = gettext_lazy("只有企业所在街道的工作人员可以调整日检查日消毒范围。")


def in_regime(enterprise) -> bool:
    """``daily_regime_q`` for one enterprise at hand."""
    return (enterprise.category == Category.LIVELIHOOD or enterprise.daily_log_added) and (
        enterprise.operating_status not in (OperatingStatus.CEASED, OperatingStatus.CLOSED))


def state_of(enterprise) -> str:
    return IN if in_regime(enterprise) else OUT


def livelihood_stays(table, user, enterprise, rule: Rule, ctx) -> Verdict | None:
    if enterprise.category == Category.LIVELIHOOD:
        return Verdict.refuse(_("民生保障类企业必须日检查、日消毒，不能移出。"), code="invalid")
    return None


def refuse_state(table, enterprise, rule: Rule) -> Verdict:
    if rule.action == "regime_add":
        return Verdict.refuse(_("该企业已在日检查日消毒范围内。"), code="conflict", conflict=True)
    if rule.action == "regime_remove":
        return Verdict.refuse(_("该企业不在日检查日消毒范围内。"), code="conflict", conflict=True)
    return Verdict.refuse(_("该企业不在日检查日消毒范围内，无需填报；如需纳入请联系街道。"), code="out_of_order")


RULES = [
    Rule("view", states=(ANY,), who=READERS, forbidden=NOT_VISIBLE, label=gettext_lazy("查看")),
    Rule("log", states=(IN,), who=LOGGERS, forbidden=NO_LOG, label=gettext_lazy("填报")),
    Rule("regime_add", states=(OUT,), who=STREET, forbidden=NO_REGIME, to=IN, label=gettext_lazy("纳入日检查")),
    Rule("regime_remove", states=(IN,), who=STREET, forbidden=NO_REGIME, to=OUT, guards=("livelihood_stays",),
         label=gettext_lazy("移出日检查")),
]

TABLE = Table("daily_log", RULES, state_of=state_of, scope_of=scope_for,
              jurisdiction_of=lambda e: e.jurisdiction_id, department_of=lambda e: e.department_id,
              scopes={"assigned": scope_assigned, "own": scope_own},
              guards={"livelihood_stays": livelihood_stays}, refusals={"default": refuse_state})


def may(user, action: str, enterprise, **ctx) -> Verdict:
    return TABLE.may(user, action, enterprise, **ctx)


def require(user, action: str, enterprise, **ctx) -> Verdict:
    return TABLE.require(user, action, enterprise, **ctx)


DAILY_READER_ROLES = TABLE.roles_for("view")
DAILY_LOGGER_ROLES = TABLE.roles_for("log")
COMPLETENESS_ROLES = (Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR, Role.LIAISON,
                      Role.DEPARTMENT_REVIEWER, Role.TASK_FORCE)
