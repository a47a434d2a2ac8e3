"""The transition table, the one function applying it, and the checks of who may act on which step.
Every service in this package locks the application row first (``application_lock``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scope import scope_for
from zhifu_reopen.audit import audit_record, snapshot
from zhifu_reopen.errors import Conflict, DomainError

from ..models import Application, Decision, Step
from .deadlines import step_deadline

S = Application.Status

# (status, action) → new status. Anything else is refused with the reason below.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.RETURNED, "submit"): S.SUBMITTED,
    (S.APPROVED, "reopen"): S.SUBMITTED,  # a change of substance after approval
    (S.SUBMITTED, "street_approve"): S.IN_REVIEW,
    (S.IN_REVIEW, "department_approve"): S.IN_REVIEW,
    (S.IN_REVIEW, "task_force_approve"): S.APPROVED,
    (S.IN_REVIEW, "sign"): S.IN_REVIEW,
    (S.IN_REVIEW, "sign_complete"): S.APPROVED,
    (S.SUBMITTED, "return"): S.RETURNED,
    (S.IN_REVIEW, "return"): S.RETURNED,
    (S.SUBMITTED, "reject"): S.REJECTED,
    (S.IN_REVIEW, "reject"): S.REJECTED,
    (S.DRAFT, "withdraw"): S.WITHDRAWN,
    (S.SUBMITTED, "withdraw"): S.WITHDRAWN,
    (S.RETURNED, "withdraw"): S.WITHDRAWN,
}

ACTION_LABELS = {
    "submit": gettext_lazy("提交"), "reopen": gettext_lazy("变更后重新审核"),
    "street_approve": gettext_lazy("街道审核通过"), "department_approve": gettext_lazy("主管部门审核通过"),
    "task_force_approve": gettext_lazy("领导小组审定通过"), "sign": gettext_lazy("签字"),
    "sign_complete": gettext_lazy("签字"), "return": gettext_lazy("退回"), "reject": gettext_lazy("不予通过"),
    "withdraw": gettext_lazy("撤回"),
}


def transition_apply(application: Application, action: str) -> str:
    """Set the new status for ``action`` or raise DomainError saying why the move is refused."""
    new = TRANSITIONS.get((application.status, action))
    if new is None:
        status = application.get_status_display()
        if application.status in Application.FINAL:
            raise DomainError(
                _("该申请已%(status)s，办理已终结，不能再%(action)s。")
                % {"status": status, "action": ACTION_LABELS[action]},
                code="final",
            )
        raise DomainError(
            _("该申请当前状态为“%(status)s”，不能%(action)s。")
            % {"status": status, "action": ACTION_LABELS[action]},
            code="out_of_order",
        )
    application.status = new
    return new


def application_lock(application: Application | int) -> Application:
    """Re-read the row under ``SELECT … FOR UPDATE``: two officials acting at once are serialised and
    the second sees the first one's outcome."""
    pk = application if isinstance(application, int) else application.pk
    return Application.objects.select_for_update(of=("self",)).select_related(
        "enterprise", "jurisdiction", "department"
    ).get(
        pk=pk
    )


def expect_state(application: Application, *, status: tuple[str, ...], step: str | None = None,
                 seen_iteration: int | None = None) -> None:
    """Refuse when the application moved on meanwhile (someone acted first) or is not at this step."""
    if seen_iteration is not None and seen_iteration != application.iteration:
        raise Conflict(_("该申请已被他人处理并进入新一轮，请刷新后再办理。"), code="stale")
    if application.status not in status or (step is not None and application.current_step != step):
        if application.status in Application.FINAL or application.status == S.APPROVED:
            raise Conflict(
                _("该申请已%(status)s，不能重复办理。") % {"status": application.get_status_display()},
                code="already_decided",
            )
        current = Step(application.current_step).label if application.current_step else application.get_status_display()
        raise DomainError(
            _("该申请当前处于“%(current)s”，不在您办理的环节。") % {"current": current}, code="out_of_order"
        )


# --- who may act ----------------------------------------------------------------------------------

def is_street_staff_for(user, application: Application) -> bool:
    scope = scope_for(user)
    return scope.role == Role.STREET_STAFF and application.jurisdiction_id in scope.jurisdiction_ids


def require_street_staff(user, application: Application) -> None:
    if not is_street_staff_for(user, application):
        raise DomainError(_("只有该企业所在街道/园区的工作人员可以办理此事项。"), code="forbidden")


def filers_of(application: Application) -> set[int]:
    """Who filed this round: the official who created the application and whoever submitted,
    resubmitted or changed it (after approval) in the current iteration."""
    ids = set(Decision.objects.filter(application=application, iteration=application.iteration,
                                      kind=Decision.Kind.FILING).values_list("actor_id", flat=True))
    ids.add(application.filed_by_id)
    return ids


def street_officials_count(jurisdiction_id: int) -> int:
    """Active street officials of a jurisdiction (django-guardian grant, direct or through a group)."""
    from django.db.models import Q

    from accounts.models import User

    direct = Q(jurisdictionuserobjectpermission__content_object_id=jurisdiction_id,
               jurisdictionuserobjectpermission__permission__codename="work_in_jurisdiction")
    via_group = Q(groups__jurisdictiongroupobjectpermission__content_object_id=jurisdiction_id,
                  groups__jurisdictiongroupobjectpermission__permission__codename="work_in_jurisdiction")
    return User.objects.filter(direct | via_group, role=Role.STREET_STAFF, is_active=True).distinct().count()


SOLE_OFFICIAL_NOTE = gettext_lazy("本街道/园区仅一名工作人员，经办人兼任街道审核")


def street_reviewer_check(user, application: Application) -> str:
    """Separation of duties: the official who filed the application (this round) does not take its
    street step. Returns a note for the timeline when a street with a single official lets the filer
    take it (``APPROVALS_SOLE_OFFICIAL_MAY_REVIEW``), else ""."""
    from django.conf import settings

    if user.pk not in filers_of(application):
        return ""
    if getattr(settings, "APPROVALS_SOLE_OFFICIAL_MAY_REVIEW", False) and (
        street_officials_count(application.jurisdiction_id) <= 1
    ):
        return str(SOLE_OFFICIAL_NOTE)
    raise DomainError(
        _("您是该申请的经办人，街道/园区审核须由本街道/园区的其他工作人员办理。"), code="forbidden"
    )


def may_take_street_step(user, application: Application) -> bool:
    """For the pages: whether the separation of duties lets this street official review it."""
    try:
        street_reviewer_check(user, application)
    except DomainError:
        return False
    return True


def require_step_actor(user, application: Application, step: str) -> str:
    """Refuse who may not take ``step``; returns the timeline note of an allowed exception, or ""."""
    scope = scope_for(user)
    if step == Step.STREET:
        require_street_staff(user, application)
        return street_reviewer_check(user, application)
    elif step == Step.DEPARTMENT:
        if scope.role != Role.DEPARTMENT_REVIEWER or application.department_id not in scope.department_ids:
            raise DomainError(_("只有该企业的主管部门审核人可以办理主管部门审核。"), code="forbidden")
    elif step == Step.TASK_FORCE:
        if scope.role != Role.TASK_FORCE:
            raise DomainError(_("只有区领导小组/工作专班可以审定。"), code="forbidden")
    else:  # pragma: no cover - programming error
        raise ValueError(step)
    return ""


def office_for(application: Application, step: str) -> str:
    if step in (Step.STREET, Step.SIGNATURE, Decision.Kind.SECRETARY, Decision.Kind.DIRECTOR,
                Decision.Kind.FILING, Decision.Kind.WITHDRAWAL):
        return application.jurisdiction.name if application.jurisdiction_id else ""
    if step == Step.DEPARTMENT:
        return application.department.name if application.department_id else ""
    return str(_("区领导小组/工作专班"))


def decision_record(*, application: Application, kind: str, outcome: str, actor, opinion: str = "",
                    items: list | None = None, post: str = "") -> Decision:
    decision = Decision(
        application=application, iteration=application.iteration, kind=kind, outcome=outcome, actor=actor,
        post=(post or actor.post_label())[:120], office=office_for(application, kind)[:60], opinion=opinion,
        items=items or [],
    )
    decision.full_clean(exclude=["application", "actor"])
    decision.save()
    return decision


def step_enter(application: Application, step: str, *, now=None) -> None:
    now = now or timezone.now()
    application.current_step = step
    application.step_started_at = now
    application.step_deadline = step_deadline(application.category, now) if step else None
    application.reminded_at = None
    application.escalated_at = None


def step_leave(application: Application) -> None:
    application.current_step = ""
    application.step_started_at = None
    application.step_deadline = None
    application.reminded_at = None
    application.escalated_at = None


STATE_FIELDS = ["status", "current_step", "iteration", "step_deadline"]


def application_save(application: Application, *, actor, action: str, before: dict, reason: str = "") -> None:
    """Every change of an application's state is saved here, so the rule that keeps the firm and its
    placard truthful (``approval_follow``) runs on every path."""
    application.full_clean(exclude=["enterprise", "filed_by", "jurisdiction", "department"])
    application.save()
    audit_record(
        actor=actor, action=action, target=application, enterprise=application.enterprise,
        before=before, after=snapshot(application, STATE_FIELDS), reason=reason,
    )
    approval_follow(application, actor=actor, before_status=before.get("status", ""), reason=reason)


def approval_follow(application: Application, *, actor, before_status: str, reason: str) -> None:
    """An application approved once and then rejected or withdrawn (after a change of substance sent it
    back to review) no longer stands approved: the firm is no longer 已复工 and the placard is revoked
    (``application_approval_lapsed`` receiver), with the decision's reason, in this transaction. While
    such an application is back under review the firm and the placard stay as they are (the verify page
    says 变更审核中)."""
    from enterprises.choices import OperatingStatus
    from enterprises.models import Enterprise

    from ..signals import application_approval_lapsed

    if application.approved_at is None or application.status not in Application.FINAL:
        return
    if before_status == application.status:
        return
    why = _("复工申请%(n)s%(status)s：%(reason)s") % {
        "n": application.number or "", "status": application.get_status_display(), "reason": reason or "—",
    }
    firm = Enterprise.objects.select_for_update().get(pk=application.enterprise_id)
    if firm.operating_status == OperatingStatus.REOPENED:
        Enterprise.objects.filter(pk=firm.pk).update(operating_status=OperatingStatus.NOT_REOPENED,
                                                     updated_at=timezone.now())
        audit_record(actor=actor, action="enterprise.reopen_revoked", target=firm,
                     before={"operating_status": firm.operating_status},
                     after={"operating_status": OperatingStatus.NOT_REOPENED}, reason=why)
    application_approval_lapsed.send(sender=Application, application=application, actor=actor, reason=why)


def state_of(application: Application) -> dict:
    return snapshot(application, STATE_FIELDS)


def require_opinion(opinion: str) -> str:
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError(_("请填写办理意见。"), code="opinion_required")
    if len(opinion) > 2000:
        raise DomainError(_("办理意见不能超过2000字。"), code="opinion_too_long")
    return opinion
