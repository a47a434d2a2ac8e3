"""The rule table of a checklist: patrol members and the task force read it; the task force edits a draft
and publishes it (``inspections.services.checklists``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scope import scope_for
from zhifu_reopen.rules import ANY, SUPERUSER, Grant, Rule, Table, Verdict

EDITORS = (Grant(Role.TASK_FORCE, "district"), Grant(SUPERUSER, "district"))
READERS = (Grant(Role.INSPECTOR, "any"), *EDITORS)
NO_EDIT = gettext_lazy("只有工作专班可以修改和发布检查表。")


def scope_any(table, user, scope, obj, ctx) -> bool:
    return True


RULES = [
    Rule("view", states=(ANY,), who=READERS, label=gettext_lazy("查看")),
    Rule("edit", states=(ANY,), who=EDITORS, forbidden=NO_EDIT, label=gettext_lazy("编辑草稿")),
    Rule("publish", states=(ANY,), who=EDITORS, forbidden=NO_EDIT, label=gettext_lazy("发布")),
]
TABLE = Table("checklist", RULES, state_of=lambda checklist: "any", scope_of=scope_for,
              scopes={"any": scope_any})


def may(user, action: str, checklist, **ctx) -> Verdict:
    return TABLE.may(user, action, checklist, **ctx)


def require(user, action: str, checklist, **ctx) -> Verdict:
    return TABLE.require(user, action, checklist, **ctx)


READER_ROLES = TABLE.roles_for("view")
EDITOR_ROLES = TABLE.roles_for("edit")
