"""The street step: leader meeting, a verdict on each material, and the street decision. Also the one
place an application becomes approved (both chains end here)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.choices import OperatingStatus
from enterprises.models import Enterprise
from zhifu_reopen.audit import audit_record
from zhifu_reopen.date_bounds import validate_past_moment
from zhifu_reopen.errors import Conflict, DomainError

from ..models import Application, Decision, LeaderMeeting, Material, Step
from ..rules import OUTCOMES, require
from ..signals import application_approved
from .common import (
    application_lock,
    application_save,
    decision_record,
    require_opinion,
    state_of,
    step_leave,
    transition_apply,
)
from .deadlines import notify

S = Application.Status


@transaction.atomic
def leader_meeting_record(*, user, application: Application, principal: str, met_at: datetime,
                          outcome: str) -> LeaderMeeting:
    application = application_lock(application)
    require(user, "meeting", application)
    problems = []
    if not (principal or "").strip():
        problems.append(_("请填写企业负责人"))
    if not (outcome or "").strip():
        problems.append(_("请填写见面情况"))
    if met_at is None:
        problems.append(_("请填写见面时间"))
    else:
        try:
            validate_past_moment(met_at, label=_("见面时间"))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise DomainError(_("负责人见面未记录："), messages=problems, code="invalid")
    meeting = LeaderMeeting(application=application, official=user, principal=principal.strip()[:50],
                            met_at=met_at, outcome=outcome.strip(), iteration=application.iteration)
    meeting.full_clean(exclude=["application", "official"])
    meeting.save()
    audit_record(actor=user, action="application.meeting", target=application, enterprise=application.enterprise,
                 after={"principal": meeting.principal, "met_at": met_at.isoformat()})
    return meeting


@transaction.atomic
def material_verdicts_set(*, user, application: Application, verdicts: dict[int, tuple[str, str]]) -> int:
    """Record a verdict on each material at once: {material id: (accepted|revision, reason)}."""
    application = application_lock(application)
    require(user, "verdicts", application)
    materials = {m.pk: m for m in application.materials.filter(is_current=True)}
    problems = []
    for pk, (verdict, reason) in verdicts.items():
        material = materials.get(pk)
        if material is None:
            problems.append(_("材料不存在或已被替换"))
        elif verdict not in (Material.Verdict.ACCEPTED, Material.Verdict.REVISION):
            problems.append(_("“%(m)s”：请选择合格或需修改") % {"m": material.get_kind_display()})
        elif verdict == Material.Verdict.REVISION and not (reason or "").strip():
            problems.append(_("“%(m)s”需修改：请写明修改意见") % {"m": material.get_kind_display()})
    if problems:
        raise DomainError(_("材料审核未保存："), messages=problems, code="invalid")
    now = timezone.now()
    changed = 0
    for pk, (verdict, reason) in verdicts.items():
        material = materials[pk]
        reason = (reason or "").strip()[:300] if verdict == Material.Verdict.REVISION else ""
        if (material.verdict, material.verdict_reason) == (verdict, reason):
            continue
        Material.objects.filter(pk=pk).update(verdict=verdict, verdict_reason=reason, verdict_by=user, verdict_at=now)
        audit_record(actor=user, action="material.verdict", target=application, enterprise=application.enterprise,
                     before={"kind": material.kind, "verdict": material.verdict},
                     after={"kind": material.kind, "verdict": verdict}, reason=reason)
        changed += 1
    return changed


def approval_blockers(application: Application) -> list[str]:
    """Why the street step cannot approve yet — every reason at once."""
    problems = []
    current = {m.kind: m for m in application.materials.filter(is_current=True)}
    for kind, label in Material.Kind.choices:
        material = current.get(kind)
        if material is None:
            problems.append(_("缺少材料：%(m)s") % {"m": label})
        elif material.verdict != Material.Verdict.ACCEPTED:
            problems.append(_("材料“%(m)s”尚未审核合格") % {"m": label})
    if not application.meetings.exists():
        problems.append(_("尚未记录负责人见面"))
    return problems


def return_items(application: Application) -> list[str]:
    """What the enterprise must correct: every material marked for revision, with its reason."""
    return [
        _("%(m)s：%(r)s") % {"m": m.get_kind_display(), "r": m.verdict_reason}
        for m in application.materials.filter(is_current=True, verdict=Material.Verdict.REVISION)
    ]


def application_finalise_approval(application: Application, *, actor) -> None:
    """Approved: the enterprise is approved to reopen (operating_status → reopened, 已复工) and the placard
    is issued by the ``application_approved`` receiver — all in the caller's transaction."""
    now = timezone.now()
    application.approved_at = now
    application.decided_at = now
    step_leave(application)
    enterprise = Enterprise.objects.select_for_update().get(pk=application.enterprise_id)
    if enterprise.operating_status == OperatingStatus.CLOSED:
        # Under a patrol's stop-work (责令关停): only a passed re-inspection lifts it (inspections).
        raise Conflict(_("该企业正被责令停工，解除停工前不能准许复工。"), code="conflict")
    if enterprise.operating_status != OperatingStatus.REOPENED:
        before = {"operating_status": enterprise.operating_status}
        Enterprise.objects.filter(pk=enterprise.pk).update(operating_status=OperatingStatus.REOPENED, updated_at=now)
        audit_record(actor=actor, action="enterprise.reopen_approved", target=enterprise,
                     before=before, after={"operating_status": OperatingStatus.REOPENED},
                     reason=_("复工申请%(n)s已通过") % {"n": application.number})


def application_approved_send(application: Application, *, actor) -> None:
    application_approved.send(sender=Application, application=application, actor=actor)


def filer_notify(application: Application) -> None:
    """Tell the official who filed it when an application is approved, returned or rejected."""
    if application.status not in (S.APPROVED, S.RETURNED, S.REJECTED):
        return
    notify([application.filed_by], code="application.decided", link=application.get_absolute_url(),
           # "firm": the enterprise's name, under the key the stored messages use (accounts.notifications)
           data={"number": application.number or "", "firm": application.enterprise.name,
                 "status": application.status})


def step_decide(*, user, application: Application, step: str, outcome: str, opinion: str,
                seen_iteration: int | None = None) -> Application:
    """Approve, return or reject at ``step`` (street, department or task force): the rule table says
    who may, from which state, and where the application goes. Caller holds the transaction; the row
    is locked here."""
    step = str(step)
    if outcome not in OUTCOMES:
        raise DomainError(_("请选择办理结果：同意、退回或不予通过。"), code="invalid")
    application = application_lock(application)
    verdict = require(user, f"{step}_{outcome}", application, seen_iteration=seen_iteration)
    opinion = require_opinion(opinion)
    before = state_of(application)
    kind = Decision.Kind(step)
    items: list[str] = []
    if outcome == "approve":
        if step == Step.STREET:
            blockers = approval_blockers(application)
            if blockers:
                raise DomainError(_("还不能审核通过："), messages=blockers, code="incomplete")
        transition_apply(application, verdict)
        if application.status == S.APPROVED:
            application_finalise_approval(application, actor=user)
        recorded = Decision.Outcome.APPROVED
    else:
        if outcome == "return" and step == Step.STREET:
            items = return_items(application)
        transition_apply(application, verdict)
        application.decided_at = timezone.now()
        recorded = Decision.Outcome.RETURNED if outcome == "return" else Decision.Outcome.REJECTED
    application_save(application, actor=user, action=f"application.{step}.{outcome}", before=before,
                     reason=opinion)
    post = ""
    note = verdict.note
    if note:  # the exception is written into the timeline, never cut off
        post = f"{user.post_label()[:118 - len(note)]}（{note}）"
    decision_record(application=application, kind=kind, outcome=recorded, actor=user, opinion=opinion, items=items,
                    post=post)
    if application.status == S.APPROVED:
        application_approved_send(application, actor=user)
    filer_notify(application)
    return application


@transaction.atomic
def street_decide(*, user, application: Application, outcome: str, opinion: str,
                  seen_iteration: int | None = None) -> Application:
    return step_decide(user=user, application=application, step=Step.STREET, outcome=outcome, opinion=opinion,
                       seen_iteration=seen_iteration)
