"""What every approvals service shares: the row lock, moving an application to the state its rule
table names (who may act, from which state, to which state: ``approvals.rules``), the timeline and the
saving of a state change. Every service in this package locks the application row first
(``application_lock``), then asks the table (``rules.require``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.choices import OperatingStatus
from enterprises.models import Enterprise
from zhifu_reopen.audit import audit_record, snapshot
from zhifu_reopen.errors import DomainError
from zhifu_reopen.rules import Verdict

from ..models import Application, Decision, Step
from ..rules import filers_of, street_officials_count  # noqa: F401 (re-exported for callers of this module)
from ..signals import application_approval_lapsed
from .deadlines import step_deadline
from .locking import application_lock  # noqa: F401 (re-exported for callers of this module)

S = Application.Status


def transition_apply(application: Application, verdict: Verdict, *, now=None) -> None:
    """Move the application to the state named by the table's row that allowed the act
    (``approvals.rules``): its status, and its step — entered afresh (new deadline) when it changes,
    left when the row leads out of every step."""
    target = verdict.target
    if target is None:
        return
    status, step = target
    application.status = status
    if step == application.current_step:
        return
    if step:
        step_enter(application, step, now=now)
    else:
        step_leave(application)


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
    """Every change of an application's state is saved here, so the rule that keeps the enterprise and its
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
    back to review) no longer stands approved: the enterprise is no longer 已复工 and the placard is revoked
    (``application_approval_lapsed`` receiver), with the decision's reason, in this transaction. While
    such an application is back under review the enterprise and the placard stay as they are (the verify page
    says 变更审核中)."""
    if application.approved_at is None or application.status not in Application.FINAL:
        return
    if before_status == application.status:
        return
    why = _("复工申请%(n)s%(status)s：%(reason)s") % {
        "n": application.number or "", "status": application.get_status_display(), "reason": reason or "—",
    }
    enterprise = Enterprise.objects.select_for_update().get(pk=application.enterprise_id)
    if enterprise.operating_status == OperatingStatus.REOPENED:
        Enterprise.objects.filter(pk=enterprise.pk).update(operating_status=OperatingStatus.NOT_REOPENED,
                                                     updated_at=timezone.now())
        audit_record(actor=actor, action="enterprise.reopen_revoked", target=enterprise,
                     before={"operating_status": enterprise.operating_status},
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
