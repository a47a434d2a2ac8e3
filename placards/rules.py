"""The rule table of the placard (准许复工公示牌): every action on a placard, from which status it may be
taken, who may take it on what scope, and the status it leads to — and ``may``, the one answer to "may
this user take this action on this placard now, and if not, why".

The services (``placards.services``) call ``require``; the placard page asks ``may`` (as offered on a
page) which buttons to show; ``roles_required`` and the navigation take ``roles_for``. How a table is
written: ``zhifu_reopen.rules``. The walk ``tests/placards/test_rules.py`` takes every (status, action,
persona) of this table against the services.

Issue and the revocation of a lapsed approval are taken on the authority of the approvals decision that
caused them (its service checked its actor): any actor, the system included. Inspectors suspend, revoke
and reinstate through a stop-work finding of the inspections workflow: the service accepts them in
their scope, no placard page offers it to them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scope import scope_for
from approvals.models import Application
from zhifu_reopen.rules import ANY, SUPERUSER, Grant, Rule, Table, Verdict

from .models import Placard

S = Placard.Status
NEW = "new"  # a placard about to be issued (not saved yet)


def state_of(placard: Placard) -> str:
    return NEW if placard.pk is None else placard.status


def jurisdiction_of(placard: Placard):
    return placard.enterprise.jurisdiction_id if placard.enterprise_id else None


# --- who ---------------------------------------------------------------------------------------------

# Who may see and print placards (DESIGN §3): street staff, secretary, director of the own street; the
# task force everywhere.
PRINTERS = (
    Grant(Role.STREET_STAFF, "jurisdiction"), Grant(Role.STREET_SECRETARY, "jurisdiction"),
    Grant(Role.STREET_DIRECTOR, "jurisdiction"), Grant(Role.TASK_FORCE, "district"), Grant(SUPERUSER, "district"),
)
STATUS_CHANGERS = (
    Grant(SUPERUSER, "district"), Grant(Role.TASK_FORCE, "district"),
    Grant(Role.INSPECTOR, "district", on_pages=False), Grant(Role.INSPECTOR, "jurisdiction", on_pages=False),
)
BY_DECISION = (Grant(ANY, "decision"),)


def scope_decision(table, user, scope, placard, ctx) -> bool:
    """The approvals decision that issues or revokes the placard checked its actor."""
    return True


# --- why not -----------------------------------------------------------------------------------------

NOT_VISIBLE = gettext_lazy("找不到该公示牌，或不在您的管辖范围内。")
NO_PRINT = gettext_lazy("您无权打印该公示牌。")
NOT_IN_SCOPE = gettext_lazy("所选公示牌中有不在您管辖范围内的。")
NO_STATUS_CHANGE = gettext_lazy("您无权变更该公示牌的状态。")
SIGN_IN = gettext_lazy("请先登录。")


def refuse_status(table, placard: Placard, rule: Rule) -> Verdict:
    return Verdict.refuse(_("公示牌当前状态为“%(status)s”，不能执行此操作。") % {"status": placard.get_status_display()},
                          code="conflict")


def refuse_render(table, placard: Placard, rule: Rule) -> Verdict:
    return Verdict.refuse(_("该公示牌已撤销（%(reason)s），不能重新生成PDF。") % {"reason": placard.status_reason or "—"},
                          code="revoked")


def refuse_print(table, placard: Placard, rule: Rule) -> Verdict:
    return Verdict.refuse(_("所选公示牌中有已撤销的，不能打印："), messages=[placard.number], code="revoked")


def refuse_view(table, placard: Placard, rule: Rule) -> Verdict:  # pragma: no cover - every status
    return Verdict.refuse(NOT_VISIBLE, code="not_found")


def application_approved(table, user, placard: Placard, rule: Rule, ctx) -> Verdict | None:
    if placard.application.status != Application.Status.APPROVED:
        return Verdict.refuse(_("申请尚未通过，不能发放公示牌。"), code="refused")
    return None


# --- the table ---------------------------------------------------------------------------------------

LIVE = (S.VALID, S.SUSPENDED)

RULES = [
    Rule("view", states=(ANY,), who=PRINTERS, forbidden=NOT_VISIBLE, refusal="view", label=gettext_lazy("查看")),
    # Issued in the approving transaction; approved again after a change: the same placard, its facts
    # brought up to date (whatever its status).
    Rule("issue", states=(NEW,), who=BY_DECISION, to=S.VALID, guards=("application_approved",),
         label=gettext_lazy("发放公示牌")),
    Rule("issue", states=(S.VALID, S.SUSPENDED, S.REVOKED), who=BY_DECISION, guards=("application_approved",),
         label=gettext_lazy("发放公示牌")),
    Rule("render", states=LIVE, who=PRINTERS, forbidden=NO_PRINT, refusal="render", label=gettext_lazy("重新生成")),
    Rule("print", states=LIVE, who=PRINTERS, forbidden=NOT_IN_SCOPE, refusal="print", label=gettext_lazy("批量打印")),
    Rule("suspend", states=(S.VALID,), who=STATUS_CHANGERS, to=S.SUSPENDED,
         forbidden=NO_STATUS_CHANGE, refuse_anonymous=SIGN_IN, label=gettext_lazy("暂停")),
    Rule("revoke", states=LIVE, who=STATUS_CHANGERS, to=S.REVOKED,
         forbidden=NO_STATUS_CHANGE, refuse_anonymous=SIGN_IN, label=gettext_lazy("撤销")),
    # Only a suspended placard comes back; a revoked one is final (a new approval issues a new one).
    Rule("reinstate", states=(S.SUSPENDED,), who=STATUS_CHANGERS, to=S.VALID,
         forbidden=NO_STATUS_CHANGE, refuse_anonymous=SIGN_IN, label=gettext_lazy("恢复有效")),
    # The application's approval lapsed (rejected or withdrawn after a change of substance); a placard
    # revoked already stays as it is.
    Rule("revoke_lapsed", states=LIVE, who=BY_DECISION, to=S.REVOKED, label=gettext_lazy("撤销")),
    Rule("revoke_lapsed", states=(S.REVOKED,), who=BY_DECISION, label=gettext_lazy("撤销")),
]

TABLE = Table(
    "placard", RULES, state_of=state_of, scope_of=scope_for, jurisdiction_of=jurisdiction_of,
    department_of=lambda placard: None,
    scopes={"decision": scope_decision},
    guards={"application_approved": application_approved},
    refusals={"default": refuse_status, "render": refuse_render, "print": refuse_print, "view": refuse_view},
)
STATUS_ACTIONS = ("suspend", "reinstate", "revoke")


def may(user, action: str, placard: Placard, **ctx) -> Verdict:
    return TABLE.may(user, action, placard, **ctx)


def require(user, action: str, placard: Placard, **ctx) -> Verdict:
    return TABLE.require(user, action, placard, **ctx)


def roles_for(*actions: str) -> tuple[str, ...]:
    return TABLE.roles_for(*actions)


def page_actions(user, placard: Placard) -> dict[str, bool]:
    """The placard page's buttons: exactly the actions the table offers this user on a page now."""
    return {action: TABLE.may(user, action, placard, on_page=True).allowed for action in ("render", *STATUS_ACTIONS)}


PRINT_ROLES = roles_for("view", "render", "print")
STATUS_ROLES = roles_for(*STATUS_ACTIONS)
