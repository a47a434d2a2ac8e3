"""The rule table of people and posts (人员与岗位): who may appoint, move and end which post, and open,
deactivate, reactivate an account or reset its password — and ``may``, the one answer to "may this user
take this action on this person or post now, and if not, why".

Who manages whom:

* a superuser: everyone, and the only one who appoints (or removes) a district administrator;
* the district administrator (区级系统管理员): every post and account but the superusers' and the
  district administrators';
* a street's director: the officials and the party secretary of their own street — not its director,
  not another street, not a department's reviewers or a patrol team — and the accounts of the people
  whose every post is such a post. A director sees everyone holding a post in their street.

The objects: a person (``User``) for the account actions and ``view``; a ``PostChange`` (the person, the
post appointed, the post left) for ``create``, ``appoint``, ``end`` and ``move``. The services
(``accounts.services.people``) call ``require``; the people pages ask ``may``; ``roles_required`` and the
navigation take ``roles_for``. How a table is written: ``zhifu_reopen.rules``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifu_reopen.rules import ANY, SUPERUSER, Grant, Rule, Table, Verdict

from .models import Role, User
from .posts import Post, posts_of
from .scope import scope_for

NEW, ACTIVE, INACTIVE = "new", "active", "inactive"
HELD, VACANT, NONE = "held", "vacant", ""
DIRECTOR_POSTS = (Role.STREET_STAFF, Role.STREET_SECRETARY)  # what a director appoints in their street
ADMIN_ONLY = (Role.DISTRICT_ADMIN,)  # posts only a superuser appoints


@dataclass
class PostChange:
    """A post appointed (``post``) and/or left (``leaving``) by ``person`` (None: an account being opened).
    The person's current posts are read once (or given, ``current``)."""

    person: User | None
    post: Post | None = None
    leaving: Post | None = None
    current: list[Post] | None = field(default=None)

    def __post_init__(self):
        if self.current is None:
            self.current = posts_of(self.person) if self.person is not None and self.person.pk else []

    @property
    def posts(self) -> tuple[Post, ...]:
        return tuple(p for p in (self.post, self.leaving) if p is not None)


def account_state(person: User | None) -> str:
    if person is None or person.pk is None:
        return NEW
    return ACTIVE if person.is_active else INACTIVE


def state_of(obj) -> str | tuple:
    if isinstance(obj, PostChange):
        def held(post):
            return NONE if post is None else (HELD if post in obj.current else VACANT)

        return (account_state(obj.person), held(obj.post), held(obj.leaving))
    return account_state(obj)


# --- who ---------------------------------------------------------------------------------------------

VIEWERS = (Grant(SUPERUSER, "everyone"), Grant(Role.DISTRICT_ADMIN, "not_superuser"),
           Grant(Role.STREET_DIRECTOR, "street_people"))
MANAGERS = (Grant(SUPERUSER, "everyone"), Grant(Role.DISTRICT_ADMIN, "district_people"),
            Grant(Role.STREET_DIRECTOR, "own_street"))

NOT_YOURS = gettext_lazy("该人员不在您管理的范围内。")
NOT_VISIBLE = gettext_lazy("找不到该人员，或不在您管理的范围内。")
ADMIN_POST = gettext_lazy("区级系统管理员只能由超级管理员任免。")
ADMIN_ACCOUNT = gettext_lazy("超级管理员和区级系统管理员的账号只能由超级管理员管理。")
DIRECTOR_ONLY_OWN = gettext_lazy("街道主任只能任免本街道的工作人员和党工委书记。")
DIRECTOR_NEEDS_POST = gettext_lazy("请为新账号选择本街道的岗位。")


def _person(obj) -> User | None:
    return obj.person if isinstance(obj, PostChange) else obj


def _current(obj) -> list[Post]:
    return obj.current if isinstance(obj, PostChange) else posts_of(obj)


def scope_everyone(table, user, scope, obj, ctx) -> bool:
    return True


def scope_not_superuser(table, user, scope, person, ctx) -> bool:
    """The district administrator sees everyone but the superusers (other administrators read-only)."""
    return not person.is_superuser


def scope_district_people(table, user, scope, obj, ctx) -> bool | Verdict:
    """The district administrator: everyone but the superusers and the district administrators."""
    person = _person(obj)
    if person is not None and person.pk is not None and (
        person.is_superuser or person.role == Role.DISTRICT_ADMIN
    ):
        return Verdict.refuse(ADMIN_ACCOUNT)
    if isinstance(obj, PostChange) and any(p.role in ADMIN_ONLY for p in obj.posts):
        return Verdict.refuse(ADMIN_POST)
    return True


def _in_street(post: Post, streets) -> bool:
    return post.role in DIRECTOR_POSTS and post.unit_id in streets


def _in_hand(person: User, current: list[Post], streets) -> bool:
    """A person a director manages: every post of theirs is an official's or the secretary's in the
    director's street (and they hold one)."""
    return (not person.is_superuser and bool(current) and person.role in (*DIRECTOR_POSTS, "")
            and all(_in_street(p, streets) for p in current))


def scope_street_people(table, user, scope, person, ctx) -> bool:
    """A director sees whoever holds a post in their street."""
    streets = scope.jurisdiction_ids
    return any(p.jurisdiction_id in streets and p.kind.model == "org.Jurisdiction"
               for p in posts_of(person))


def scope_own_street(table, user, scope, obj, ctx) -> bool | Verdict:
    streets = scope.jurisdiction_ids
    if isinstance(obj, PostChange):
        if obj.person is None and obj.post is None:
            return Verdict.refuse(DIRECTOR_NEEDS_POST)
        if not all(_in_street(p, streets) for p in obj.posts):
            return Verdict.refuse(DIRECTOR_ONLY_OWN)
        if obj.person is not None and obj.person.pk and not _in_hand(obj.person, obj.current, streets):
            return Verdict.refuse(NOT_YOURS)
        return True
    return _in_hand(obj, posts_of(obj), streets) or Verdict.refuse(NOT_YOURS)


# --- why not: states and guards -----------------------------------------------------------------------

def refuse_post(table, change: PostChange, rule: Rule) -> Verdict:
    person = change.person
    if account_state(person) == INACTIVE and rule.action in ("appoint", "move"):
        return Verdict.refuse(_("%(p)s的账号已停用，请先启用再任职。") % {"p": person}, code="inactive")
    if change.leaving is not None and change.leaving not in change.current:
        return Verdict.refuse(_("%(p)s已不再担任%(post)s（可能已被他人调整），请刷新后再办理。")
                              % {"p": person, "post": change.leaving}, code="not_held", conflict=True)
    if rule.action == "end":
        return Verdict.refuse(_("%(p)s已不再担任%(post)s（可能已被他人结束），请刷新后再办理。")
                              % {"p": person, "post": change.post}, code="not_held", conflict=True)
    if rule.action == "create":
        return Verdict.refuse(_("该账号已存在。"), code="exists", conflict=True)
    return Verdict.refuse(_("%(p)s已担任%(post)s。") % {"p": person, "post": change.post}, code="already_held",
                          conflict=True)


def refuse_account(table, person: User, rule: Rule) -> Verdict:
    if person.is_active:
        return Verdict.refuse(_("%(p)s的账号已是启用状态。") % {"p": person}, code="already_active", conflict=True)
    if rule.action == "deactivate":
        return Verdict.refuse(_("%(p)s的账号已停用。") % {"p": person}, code="already_inactive", conflict=True)
    return Verdict.refuse(_("%(p)s的账号已停用，请先启用。") % {"p": person}, code="inactive")


def refuse_view(table, person, rule):  # pragma: no cover - every state
    return Verdict.refuse(NOT_VISIBLE, code="not_found")


def one_role(table, user, change: PostChange, rule: Rule, ctx) -> Verdict | None:
    """A person acts in one role: the posts they keep are of the role of the post appointed."""
    kept = [p for p in change.current if p != change.leaving and p.role != change.post.role]
    if not kept:
        return None
    return Verdict.refuse(
        _("%(p)s现任%(posts)s，一人只任一类岗位：请先结束现任岗位，或用“调任”。")
        % {"p": change.person, "posts": "、".join(p.label for p in kept)}, code="other_post")


def not_self(table, user, person: User, rule: Rule, ctx) -> Verdict | None:
    if person.pk == user.pk:
        return Verdict.refuse(rule.params["self"], code="self")
    return None


# --- the table ---------------------------------------------------------------------------------------

RULES = [
    Rule("view", states=(ACTIVE, INACTIVE), who=VIEWERS, forbidden=NOT_VISIBLE, refusal="view",
         label=gettext_lazy("查看")),
    Rule("create", states=((NEW, ANY, NONE),), who=MANAGERS, forbidden=NOT_YOURS, refusal="post",
         to=(ACTIVE, ANY, NONE), label=gettext_lazy("新建账号")),
    Rule("appoint", states=((ACTIVE, VACANT, NONE),), who=MANAGERS, forbidden=NOT_YOURS, refusal="post",
         to=(ACTIVE, HELD, NONE), guards=("one_role",), label=gettext_lazy("任职")),
    Rule("move", states=((ACTIVE, VACANT, HELD),), who=MANAGERS, forbidden=NOT_YOURS, refusal="post",
         to=(ACTIVE, HELD, VACANT), guards=("one_role",), label=gettext_lazy("调任")),
    Rule("end", states=((ANY, HELD, NONE),), who=MANAGERS, forbidden=NOT_YOURS, refusal="post",
         to=(ANY, VACANT, NONE), label=gettext_lazy("免职")),
    Rule("deactivate", states=(ACTIVE,), who=MANAGERS, forbidden=NOT_YOURS, refusal="account", to=INACTIVE,
         guards=("not_self",), params={"self": gettext_lazy("不能停用自己的账号。")}, label=gettext_lazy("停用账号")),
    Rule("reactivate", states=(INACTIVE,), who=MANAGERS, forbidden=NOT_YOURS, refusal="account", to=ACTIVE,
         label=gettext_lazy("启用账号")),
    Rule("password_reset", states=(ACTIVE,), who=MANAGERS, forbidden=NOT_YOURS, refusal="account",
         guards=("not_self",), params={"self": gettext_lazy("请用“修改密码”修改自己的密码。")},
         label=gettext_lazy("重置密码")),
]

TABLE = Table(
    "people", RULES, state_of=state_of, scope_of=scope_for,
    scopes={"everyone": scope_everyone, "not_superuser": scope_not_superuser, "district_people": scope_district_people,
            "street_people": scope_street_people, "own_street": scope_own_street},
    guards={"one_role": one_role, "not_self": not_self},
    refusals={"post": refuse_post, "account": refuse_account, "view": refuse_view},
    jurisdiction_of=lambda obj: None, department_of=lambda obj: None,
)
POST_ACTIONS = ("appoint", "move", "end")
ACCOUNT_ACTIONS = ("deactivate", "reactivate", "password_reset")


def may(user, action: str, obj, **ctx) -> Verdict:
    return TABLE.may(user, action, obj, **ctx)


def require(user, action: str, obj, **ctx) -> Verdict:
    return TABLE.require(user, action, obj, **ctx)


def roles_for(*actions: str) -> tuple[str, ...]:
    return TABLE.roles_for(*actions)


PEOPLE_ROLES = roles_for("view", "create", *POST_ACTIONS, *ACCOUNT_ACTIONS)


# --- login lockouts (issue 13) -------------------------------------------------------------------------
# The district administrator (and a superuser) lifts a lockout of an account or an address before its
# cool-off ends (``accounts.services.lockouts``). The object is a ``Lockout`` (what is locked, and whether
# it still is).

LOCKED, UNLOCKED = "locked", "unlocked"


@dataclass
class Lockout:
    kind: str  # "username" | "ip_address"
    value: str
    failures: int = 0
    locked: bool = False


def refuse_lockout(table, lockout: Lockout, rule: Rule) -> Verdict:
    return Verdict.refuse(_("该锁定已解除（可能已到期或已被他人解除）。"), code="not_locked", conflict=True)


LOCKOUT_TABLE = Table(
    "lockouts",
    [Rule("unlock", states=(LOCKED,), who=(Grant(SUPERUSER, "everyone"), Grant(Role.DISTRICT_ADMIN, "everyone")),
          forbidden=gettext_lazy("只有区级系统管理员可以解除登录锁定。"), refusal="lockout",
          to=UNLOCKED, label=gettext_lazy("解除锁定"))],
    state_of=lambda lockout: LOCKED if lockout.locked else UNLOCKED, scope_of=scope_for,
    scopes={"everyone": scope_everyone}, refusals={"lockout": refuse_lockout},
    jurisdiction_of=lambda obj: None, department_of=lambda obj: None,
)
LOCKOUT_ROLES = LOCKOUT_TABLE.roles_for("unlock")
