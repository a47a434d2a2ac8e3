"""The rule table of the application workflow: every action on a 复工申请, from which state (status, step,
chain) it may be taken, who may take it on what scope, and the state it leads to — and ``may``, the one
answer to "may this user take this action on this application now, and if not, why".

The services (``approvals.services``) call ``require`` and move the application with the verdict's row;
the application page asks ``may`` which actions to show; ``roles_required`` and the navigation take
``roles_for``. How a table is written: ``zhifu_reopen.rules``. The walk ``tests/approvals/test_rules.py``
takes every (state, action, persona) of this table against the services.

Scopes used here: ``jurisdiction`` (the enterprise's street is one of the user's), ``department`` (the
enterprise's industry department is the reviewer's), ``district`` (the task force), ``other_official`` (an
official of the enterprise's street who did not file this round — or, with
``APPROVALS_SOLE_OFFICIAL_MAY_REVIEW`` in a street with a single official, the filer, noted on the timeline),
``secretary_post`` / ``director_post`` (holds that post for the enterprise's street by a django-guardian
grant: the right comes from the grant).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.scope import scope_for
from zhifu_reopen.rules import ANY, SUPERUSER, Grant, Rule, Table, Verdict

from .models import Application, Decision, Signature, Step

S = Application.Status
C = Application.Chain
NEW = "new"  # an application being created (not saved yet)
OUTCOMES = ("approve", "return", "reject")


def at(status, step=ANY, chain=ANY) -> tuple:
    return (status, step, chain)


def state_of(application: Application) -> tuple:
    if application.pk is None:
        return (NEW, "", application.chain)
    return (application.status, application.current_step, application.chain)


# --- who: the grants -------------------------------------------------------------------------------

STAFF = (Grant(Role.STREET_STAFF, "jurisdiction"),)
# The firm's own account drafts, edits and submits its application (for the street's review), and reads it.
FILERS = (*STAFF, Grant(Role.ENTERPRISE, "own_enterprise"))
STREET_REVIEWER = (Grant(Role.STREET_STAFF, "other_official"),)
DEPARTMENT = (Grant(Role.DEPARTMENT_REVIEWER, "department"),)
TASK_FORCE = (Grant(Role.TASK_FORCE, "district"),)
SIGNER_ROLES = (Role.STREET_SECRETARY, Role.STREET_DIRECTOR)
SUPERIORS = (Grant(Role.TASK_FORCE, "district"), Grant(Role.STREET_SECRETARY, "jurisdiction"),
             Grant(Role.STREET_DIRECTOR, "jurisdiction"))
VIEWERS = (
    Grant(Role.STREET_STAFF, "jurisdiction"), Grant(Role.STREET_SECRETARY, "jurisdiction"),
    Grant(Role.STREET_DIRECTOR, "jurisdiction"), Grant(Role.DEPARTMENT_REVIEWER, "department"),
    Grant(Role.TASK_FORCE, "district"), Grant(SUPERUSER, "district"), Grant(Role.ENTERPRISE, "own_enterprise"),
)


def signers(post: str) -> tuple[Grant, ...]:
    return tuple(Grant(role, f"{post}_post") for role in SIGNER_ROLES)


# --- why not: the reasons --------------------------------------------------------------------------

STAFF_ONLY = gettext_lazy("只有该企业所在街道/园区的工作人员可以办理此事项。")
FILERS_ONLY = gettext_lazy("只有企业本身或其所在街道/园区的工作人员可以填报复工申请。")
DEPARTMENT_ONLY = gettext_lazy("只有该企业的主管部门审核人可以办理主管部门审核。")
TASK_FORCE_ONLY = gettext_lazy("只有区领导小组/工作专班可以审定。")
SUPERIORS_ONLY = gettext_lazy("只有上级（领导小组/工作专班或本街道领导）可以催办。")
NOT_VISIBLE = gettext_lazy("找不到该申请，或不在您的管辖范围内。")
NO_PROXY_SIGNING = gettext_lazy("签字须由本人以所任职务办理，系统管理员不能代签。")
SOLE_OFFICIAL_NOTE = gettext_lazy("本街道/园区仅一名工作人员，经办人兼任街道审核")


def not_the_signer(application: Application, rule: Rule) -> str:
    return _("您不是%(j)s的%(post)s，不能以该职务签字；签字不能由他人代签。") % {
        "j": application.jurisdiction.name, "post": Signature.Post(rule.params["post"]).label,
    }


def refuse_transition(table, application: Application, rule: Rule) -> Verdict:
    status = application.get_status_display()
    if application.status in Application.FINAL:
        return Verdict.refuse(_("该申请已%(status)s，办理已终结，不能再%(action)s。")
                              % {"status": status, "action": rule.label}, code="final")
    return Verdict.refuse(_("该申请当前状态为“%(status)s”，不能%(action)s。")
                          % {"status": status, "action": rule.label}, code="out_of_order")


def refuse_step(table, application: Application, rule: Rule) -> Verdict:
    """Not at this step: decided already (someone acted first, a conflict), or elsewhere in the flow."""
    if application.status in Application.FINAL or application.status == S.APPROVED:
        return Verdict.refuse(_("该申请已%(status)s，不能重复办理。") % {"status": application.get_status_display()},
                              code="already_decided", conflict=True)
    current = Step(application.current_step).label if application.current_step else application.get_status_display()
    return Verdict.refuse(_("该申请当前处于“%(current)s”，不在您办理的环节。") % {"current": current},
                          code="out_of_order")


def refuse_edit(table, application: Application, rule: Rule) -> Verdict:
    if application.status in Application.FINAL:
        return Verdict.refuse(_("该申请已%(s)s，不能再修改。") % {"s": application.get_status_display()}, code="final")
    return Verdict.refuse(_("申请正在审核中，不能修改；如需修改请联系审核人退回。"), code="locked")


def refuse_meeting(table, application: Application, rule: Rule) -> Verdict:
    return Verdict.refuse(_("街道审核已完成，不能再记录负责人见面。"), code="out_of_order")


def refuse_remind(table, application: Application, rule: Rule) -> Verdict:
    return Verdict.refuse(_("该申请不在办理中，无需催办。"), code="not_open")


def refuse_view(table, application: Application, rule: Rule) -> Verdict:  # pragma: no cover - every state
    return Verdict.refuse(NOT_VISIBLE, code="not_found")


def stale(application: Application, ctx: dict) -> Verdict | None:
    """The user acted on the round they saw: a newer round means someone acted first."""
    seen = ctx.get("seen_iteration")
    if seen is not None and seen != application.iteration:
        return Verdict.refuse(_("该申请已被他人处理并进入新一轮，请刷新后再办理。"), code="stale", check="stale",
                              conflict=True)
    return None


# --- scopes ------------------------------------------------------------------------------------------

def filers_of(application: Application) -> set[int]:
    """Who filed this round: the official who created the application and whoever submitted,
    resubmitted or changed it (after approval) in the current iteration."""
    ids = set(Decision.objects.filter(application=application, iteration=application.iteration,
                                      kind=Decision.Kind.FILING).values_list("actor_id", flat=True))
    ids.add(application.filed_by_id)
    return ids


def street_officials_count(jurisdiction_id: int) -> int:
    """Active street officials of a jurisdiction (django-guardian grant, direct or through a group)."""
    direct = Q(jurisdictionuserobjectpermission__content_object_id=jurisdiction_id,
               jurisdictionuserobjectpermission__permission__codename="work_in_jurisdiction")
    via_group = Q(groups__jurisdictiongroupobjectpermission__content_object_id=jurisdiction_id,
                  groups__jurisdictiongroupobjectpermission__permission__codename="work_in_jurisdiction")
    return User.objects.filter(direct | via_group, role=Role.STREET_STAFF, is_active=True).distinct().count()


def scope_own_enterprise(table, user, scope, application: Application, ctx) -> bool:
    """The firm's own account, on its own enterprise's application."""
    return application.enterprise_id in scope.enterprise_ids


def street_reopens(table, user, application: Application, rule: Rule, ctx) -> Verdict | None:
    if scope_for(user).role == Role.ENTERPRISE:
        return Verdict.refuse(_("申请已批准；如需变更，请联系所在街道办理。"), code="locked")
    return None


def scope_other_official(table, user, scope, application: Application, ctx) -> bool | Verdict:
    """Separation of duties: the official who filed the application (this round) does not take its
    street step — unless ``APPROVALS_SOLE_OFFICIAL_MAY_REVIEW`` and the street has a single official,
    which the timeline then says (the verdict's note)."""
    if application.jurisdiction_id not in scope.jurisdiction_ids:
        return False
    if user.pk not in filers_of(application):
        return True
    if getattr(settings, "APPROVALS_SOLE_OFFICIAL_MAY_REVIEW", False) and (
        street_officials_count(application.jurisdiction_id) <= 1
    ):
        return Verdict(True, note=str(SOLE_OFFICIAL_NOTE))
    return Verdict.refuse(_("您是该申请的经办人，街道/园区审核须由本街道/园区的其他工作人员办理。"),
                          check="other_official")


POST_PERMS = {Signature.Post.SECRETARY: "sign_as_secretary", Signature.Post.DIRECTOR: "sign_as_director"}


def signer_posts(user, application: Application) -> list[str]:
    """The posts this user holds for the application's jurisdiction (django-guardian grants)."""
    if not user.is_authenticated or user.is_superuser or not user.is_active or not application.jurisdiction_id:
        return []
    return [post for post, codename in POST_PERMS.items()
            if user.has_perm(f"org.{codename}", application.jurisdiction)]


def _holds(post: str):
    def holds_post(table, user, scope, application, ctx) -> bool:
        return post in signer_posts(user, application)

    return holds_post


# --- guards and conditions of the signature step ----------------------------------------------------

def _signed(application: Application) -> dict[str, int]:
    return dict(Signature.objects.filter(application=application, iteration=application.iteration)
                .values_list("post", "signer_id"))


def _other(post: str) -> str:
    return Signature.Post.DIRECTOR if post == Signature.Post.SECRETARY else Signature.Post.SECRETARY


def other_post_signed(table, application, rule, ctx) -> bool:
    return _other(rule.params["post"]) in _signed(application)


def other_post_unsigned(table, application, rule, ctx) -> bool:
    return not other_post_signed(table, application, rule, ctx)


def post_unsigned(table, user, application, rule, ctx) -> Verdict | None:
    post = rule.params["post"]
    if post not in _signed(application):
        return None
    label = Signature.Post(post).label
    text = (_("%(post)s已签字，不能再退回。") if rule.params.get("returns") else
            _("%(post)s已签字，不能重复签字。")) % {"post": label}
    return Verdict.refuse(text, code="already_signed", conflict=True)


def another_person(table, user, application, rule, ctx) -> Verdict | None:
    if _signed(application).get(_other(rule.params["post"])) == user.pk:
        return Verdict.refuse(_("同一人不能同时以党工委书记和主任两个职务签字，须由另一人签字。"), code="same_person")
    return None


# --- the table ---------------------------------------------------------------------------------------

OPEN_STATES = tuple(at(status, step) for status in (S.SUBMITTED, S.IN_REVIEW) for step in Step.values)


APPROVE_LABELS = {
    Step.STREET: gettext_lazy("街道审核通过"), Step.DEPARTMENT: gettext_lazy("主管部门审核通过"),
    Step.TASK_FORCE: gettext_lazy("领导小组审定通过"),
}


def _step_rows(step: str, who, forbidden, approve_to: list[tuple[str, tuple]]) -> list[Rule]:
    """Approve, return or reject at a review step (street, department, task force)."""
    status = S.SUBMITTED if step == Step.STREET else S.IN_REVIEW
    rows = [Rule(f"{step}_approve", states=(at(status, step, chain),), who=who, to=to, forbidden=forbidden,
                 refusal="step", label=APPROVE_LABELS[step])
            for chain, to in approve_to]
    rows += [
        Rule(f"{step}_return", states=(at(status, step),), who=who, to=(S.RETURNED, ""), forbidden=forbidden,
             refusal="step", label=gettext_lazy("退回")),
        Rule(f"{step}_reject", states=(at(status, step),), who=who, to=(S.REJECTED, ""), forbidden=forbidden,
             refusal="step", label=gettext_lazy("不予通过")),
    ]
    return rows


def _sign_rows(post: str) -> list[Rule]:
    who = signers(post)
    common = {"who": who, "forbidden": not_the_signer, "refusal": "step", "refuse_superuser": NO_PROXY_SIGNING}
    signing = at(S.IN_REVIEW, Step.SIGNATURE)
    return [
        # The first signature keeps the application at the step; the second approves it.
        Rule(f"{post}_sign", states=(signing,), when="other_post_unsigned", to=(S.IN_REVIEW, Step.SIGNATURE),
             guards=("post_unsigned", "another_person"), params={"post": post}, label=gettext_lazy("签字"), **common),
        Rule(f"{post}_sign", states=(signing,), when="other_post_signed", to=(S.APPROVED, ""),
             guards=("post_unsigned", "another_person"), params={"post": post}, label=gettext_lazy("签字"), **common),
        Rule(f"{post}_return", states=(signing,), to=(S.RETURNED, ""), guards=("post_unsigned",),
             params={"post": post, "returns": True}, label=gettext_lazy("退回"), **common),
    ]


RULES = [
    Rule("view", states=(at(ANY),), who=VIEWERS, forbidden=NOT_VISIBLE, refusal="view",
         label=gettext_lazy("查看")),
    Rule("create", states=(at(NEW),), who=FILERS, to=(S.DRAFT, ""), forbidden=FILERS_ONLY,
         label=gettext_lazy("新建复工申请")),
    # Edit covers the application's details, its materials and its roster; a change of substance after
    # approval sends it back to the street review (reopen follows).
    Rule("edit", states=(at(S.DRAFT), at(S.RETURNED)), who=FILERS, forbidden=FILERS_ONLY, refusal="edit",
         label=gettext_lazy("修改")),
    # An approved application changed goes back to the street's review: the street decides that, not the firm.
    Rule("edit", states=(at(S.APPROVED),), who=FILERS, forbidden=FILERS_ONLY, refusal="edit", then="reopen",
         guards=("street_reopens",), label=gettext_lazy("修改")),
    Rule("reopen", states=(at(S.APPROVED),), who=STAFF, to=(S.SUBMITTED, Step.STREET), forbidden=STAFF_ONLY,
         label=gettext_lazy("变更后重新审核")),
    Rule("submit", states=(at(S.DRAFT), at(S.RETURNED)), who=FILERS, to=(S.SUBMITTED, Step.STREET),
         forbidden=FILERS_ONLY, label=gettext_lazy("提交")),
    Rule("withdraw", states=(at(S.DRAFT), at(S.SUBMITTED), at(S.RETURNED)), who=STAFF, to=(S.WITHDRAWN, ""),
         forbidden=STAFF_ONLY, label=gettext_lazy("撤回")),
    # The filer may record the meeting with the enterprise's principal; only another official judges.
    Rule("meeting", states=(at(S.DRAFT), at(S.SUBMITTED), at(S.RETURNED)), who=STAFF, forbidden=STAFF_ONLY,
         refusal="meeting", label=gettext_lazy("记录负责人见面")),
    Rule("verdicts", states=(at(S.SUBMITTED, Step.STREET),), who=STREET_REVIEWER, forbidden=STAFF_ONLY,
         refusal="step", label=gettext_lazy("材料审核")),
    *_step_rows(Step.STREET, STREET_REVIEWER, STAFF_ONLY, [
        (C.THREE_PARTY, (S.IN_REVIEW, Step.DEPARTMENT)), (C.DUAL_SIGNATURE, (S.IN_REVIEW, Step.SIGNATURE)),
    ]),
    *_step_rows(Step.DEPARTMENT, DEPARTMENT, DEPARTMENT_ONLY, [(ANY, (S.IN_REVIEW, Step.TASK_FORCE))]),
    *_step_rows(Step.TASK_FORCE, TASK_FORCE, TASK_FORCE_ONLY, [(ANY, (S.APPROVED, ""))]),
    *_sign_rows(Signature.Post.SECRETARY),
    *_sign_rows(Signature.Post.DIRECTOR),
    Rule("remind", states=OPEN_STATES, who=SUPERIORS, forbidden=SUPERIORS_ONLY, refusal="remind",
         label=gettext_lazy("催办")),
]

TABLE = Table(
    "application", RULES, state_of=state_of, scope_of=scope_for,
    scopes={"other_official": scope_other_official, "own_enterprise": scope_own_enterprise, "secretary_post": _holds(Signature.Post.SECRETARY),
            "director_post": _holds(Signature.Post.DIRECTOR)},
    guards={"post_unsigned": post_unsigned, "another_person": another_person, "street_reopens": street_reopens},
    conditions={"other_post_signed": other_post_signed, "other_post_unsigned": other_post_unsigned},
    refusals={"default": refuse_transition, "step": refuse_step, "edit": refuse_edit, "meeting": refuse_meeting,
              "remind": refuse_remind, "view": refuse_view},
    freshness=stale,
)

STEPS = (Step.STREET, Step.DEPARTMENT, Step.TASK_FORCE)
SIGN_POSTS = tuple(Signature.Post.values)
DECIDE_ACTIONS = tuple(f"{step}_{outcome}" for step in STEPS for outcome in OUTCOMES)
SIGN_ACTIONS = tuple(f"{post}_{act}" for post in SIGN_POSTS for act in ("sign", "return"))


def may(user, action: str, application: Application, **ctx) -> Verdict:
    """May ``user`` take ``action`` on ``application`` now — and if not, why (the services' reason)."""
    return TABLE.may(user, action, application, **ctx)


def require(user, action: str, application: Application, **ctx) -> Verdict:
    """``may`` for the services: the allowed verdict, or DomainError / Conflict with the table's reason."""
    return TABLE.require(user, action, application, **ctx)


def roles_for(*actions: str) -> tuple[str, ...]:
    return TABLE.roles_for(*actions)


# Role lists for roles_required, the navigation and the home widgets.
APPLICATION_ROLES = roles_for("view")
# The officials' pages (the to-do queue, reminders): the firm's own account reads only its applications.
OFFICIAL_ROLES = tuple(r for r in APPLICATION_ROLES if r != Role.ENTERPRISE)
EDITOR_ROLES = roles_for("create", "edit")
DECIDER_ROLES = roles_for(*DECIDE_ACTIONS)
SIGNER_ROLE_LIST = roles_for(*SIGN_ACTIONS)
REMINDER_ROLES = roles_for("remind")
