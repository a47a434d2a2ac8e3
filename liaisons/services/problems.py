"""Problems (企业诉求): raise, take, escalate, resolve, rate — and the beat's escalation of overdue ones.
Each checks the rule table (``liaisons.rules.problem``), writes the problem, its timeline line
(``ProblemEvent``) and its audit entry in one transaction, and tells whoever now has to act. Lock order:
the problem, then anything it creates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from approvals.services.deadlines import notify
from approvals.validators import sniff_upload
from enterprises.models import Enterprise, LiaisonAssignment
from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError

from ..models import Problem, ProblemAttachment, ProblemCategory, ProblemEvent
from ..rules import problem as rules

S, OWN = Problem.Status, Problem.Owner
DESCRIPTION_MAX = 2000
NOTE_MAX = 1000
ATTACHMENTS_MAX = 5
ATTACHMENT_TYPES = {
    "image/jpeg": ("jpg", "JPEG"), "image/png": ("png", "PNG"), "application/pdf": ("pdf", "PDF"),
}


def due_for(category: str, start: dt.datetime) -> dt.datetime:
    """A problem's deadline: the category's days (``LIAISONS_PROBLEM_DAYS``) from ``start``."""
    return start + dt.timedelta(days=settings.LIAISONS_PROBLEM_DAYS.get(category, 5))


def _event(problem: Problem, *, actor, step: str, status_from: str, note: str = "") -> ProblemEvent:
    post = actor.post_label() if actor is not None else "系统"  # the record: Chinese
    return ProblemEvent.objects.create(problem=problem, actor=actor, post=post[:120], action=step,
                                       status_from=status_from, status_to=problem.status, note=note)


def _data(problem: Problem) -> dict:
    return {"firm": problem.enterprise.name, "category": problem.category, "owner": problem.owner}


def owners_of(problem: Problem) -> list[User]:
    """Who has to act on the problem now: the street's officials and the firm's liaison; the department's
    reviewers; the task force."""
    from guardian.shortcuts import get_users_with_perms

    if problem.owner == OWN.STREET:
        users = list(get_users_with_perms(problem.jurisdiction, only_with_perms_in=["work_in_jurisdiction"]))
        users += [a.liaison for a in LiaisonAssignment.objects.filter(
            enterprise_id=problem.enterprise_id, ended_at__isnull=True).select_related("liaison")]
    elif problem.owner == OWN.DEPARTMENT and problem.department_id:
        users = list(get_users_with_perms(problem.department, only_with_perms_in=["review_for_department"]))
    else:
        users = list(User.objects.filter(role=Role.TASK_FORCE))
    return [u for u in users if u.is_active]


def firm_users(problem: Problem) -> list[User]:
    return list(User.objects.filter(enterprise_account__enterprise_id=problem.enterprise_id, is_active=True))


def _lock(problem: Problem) -> Problem:
    return (Problem.objects.select_for_update(of=("self",)).select_related("enterprise", "jurisdiction", "department")
            .get(pk=problem.pk))


def _note(note: str, *, required: bool, message: str) -> str:
    note = (note or "").strip()
    if required and not note:
        raise DomainError(message, code="invalid")
    if len(note) > NOTE_MAX:
        raise DomainError(_("说明最多%(n)s字。") % {"n": NOTE_MAX}, code="invalid")
    return note


def _check_attachments(files) -> list[tuple]:
    files = [f for f in (files or []) if f]
    if len(files) > ATTACHMENTS_MAX:
        raise DomainError(_("附件最多%(n)s个。") % {"n": ATTACHMENTS_MAX}, code="invalid")
    checked, errors = [], []
    for upload in files:
        if upload.size > settings.LIAISONS_ATTACHMENT_MAX_BYTES:
            errors.append(_("%(name)s：文件过大，上限为 %(mb)d MB。") % {
                "name": upload.name, "mb": settings.LIAISONS_ATTACHMENT_MAX_BYTES // (1024 * 1024)})
            continue
        try:
            mime, ext = sniff_upload(upload, allowed=ATTACHMENT_TYPES)
        except ValidationError as exc:
            errors.append(f"{upload.name}{_('：')}{exc.messages[0]}")
            continue
        checked.append((upload, mime, ext))
    if errors:
        raise DomainError(_("附件有误，诉求未保存："), messages=errors, code="invalid")
    return checked


def problem_raise(*, actor, enterprise: Enterprise, category: str, description: str, attachments=(),
                  follow_up_of: Problem | None = None) -> Problem:
    """Log a problem for ``enterprise`` (the street owns it); its liaison and street are told."""
    if category not in ProblemCategory.values:
        raise DomainError(_("请选择诉求类别。"), code="invalid")
    description = (description or "").strip()
    if not description:
        raise DomainError(_("请填写诉求内容。"), code="invalid")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(_("诉求内容最多%(n)s字。") % {"n": DESCRIPTION_MAX}, code="invalid")
    checked = _check_attachments(attachments)
    now = timezone.now()
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        problem = Problem(enterprise=enterprise, jurisdiction_id=enterprise.jurisdiction_id,
                          department_id=enterprise.department_id, category=category, description=description,
                          raised_by=actor, due_at=due_for(category, now), created_at=now,
                          raised_by_enterprise=actor.role == Role.ENTERPRISE, follow_up_of=follow_up_of)
        if follow_up_of is None:
            rules.require(actor, "raise", problem)
        problem.save()
        for upload, mime, ext in checked:
            upload.name = f"problem.{ext}"
            ProblemAttachment.objects.create(problem=problem, file=upload, name=upload.name[:200],
                                             content_type=mime, size=upload.size, uploaded_by=actor)
        _event(problem, actor=actor, step="follow_up" if follow_up_of else "raise", status_from="",
               note=description[:300])
        audit_record(actor=actor, action="problem.raise", target=problem, enterprise=enterprise, after={
            "category": category, "by_enterprise": problem.raised_by_enterprise,
            "attachments": len(checked), **({"follow_up_of": follow_up_of.pk} if follow_up_of else {})})
        code = "problem.follow_up" if follow_up_of else "problem.raised"
        notify([u for u in owners_of(problem) if u.pk != actor.pk], code=code, data=_data(problem),
               link=problem.get_absolute_url())
    return problem


def _move(problem: Problem, *, actor, step: str, to_status: str, to_owner: str | None = None, note: str = "",
          audit_action: str, now=None) -> Problem:
    now = now or timezone.now()
    before = {"status": problem.status, "owner": problem.owner}
    problem.status = to_status
    fields = ["status", "updated_at"]
    if to_owner is not None and to_owner != problem.owner:
        problem.owner = to_owner
        problem.due_at = due_for(problem.category, now)  # the new owner's own time
        fields += ["owner", "due_at"]
    if to_status == S.RESOLVED:
        problem.resolution_note, problem.resolved_at, problem.resolved_by = note, now, actor
        fields += ["resolution_note", "resolved_at", "resolved_by"]
    problem.save(update_fields=fields)
    _event(problem, actor=actor, step=step, status_from=before["status"], note=note)
    audit_record(actor=actor, action=audit_action, target=problem, enterprise=problem.enterprise, before=before,
                 after={"status": problem.status, "owner": problem.owner}, reason=note,
                 **({} if actor is not None else {"post": "系统"}))
    return problem


@dataclass(frozen=True)
class Step:
    to_status: str
    to_owner: str | None
    note_required: bool
    note_message: str = ""


def _steps() -> dict[str, Step]:
    return {
        "start": Step(S.IN_PROGRESS, None, False),
        "escalate_department": Step(S.ESCALATED, OWN.DEPARTMENT, True, _("请写明上报理由。")),
        "escalate_task_force": Step(S.ESCALATED, OWN.TASK_FORCE, True, _("请写明上报理由。")),
        "resolve": Step(S.RESOLVED, None, True, _("请填写办理结果后再办结。")),
    }


def problem_act(*, actor, problem: Problem, act: str, note: str = "") -> Problem:
    """The owner's work on a problem: ``start``, ``escalate_department``, ``escalate_task_force``, ``resolve``."""
    action = act
    step = _steps().get(action)
    if step is None:
        raise DomainError(_("请选择办理事项。"), code="invalid")
    with transaction.atomic():
        problem = _lock(problem)
        rules.require(actor, action, problem)
        note = _note(note, required=step.note_required, message=step.note_message)
        _move(problem, actor=actor, step=action, to_status=step.to_status, to_owner=step.to_owner, note=note,
              audit_action=f"problem.{action}")
        if action.startswith("escalate"):
            notify(owners_of(problem), code="problem.escalated", data=_data(problem), link=problem.get_absolute_url())
        elif action == "resolve":
            notify(firm_users(problem), code="problem.resolved", data=_data(problem), link=problem.get_absolute_url())
    return problem


def problem_rate(*, actor, problem: Problem, rating: str, comment: str = "") -> Problem:
    """The firm rates a resolved problem once; 'not satisfied' opens a follow-up problem for the street."""
    if rating not in Problem.Rating.values:
        raise DomainError(_("请选择评价：满意、基本满意或不满意。"), code="invalid")
    comment = (comment or "").strip()
    if rating == Problem.Rating.UNSATISFIED and not comment:
        raise DomainError(_("不满意时请写明原因，以便街道跟进。"), code="invalid")
    if len(comment) > 500:
        raise DomainError(_("评价意见最多500字。"), code="invalid")
    with transaction.atomic():
        problem = _lock(problem)
        rules.require(actor, "rate", problem)
        problem.rating, problem.rating_comment, problem.rated_at = rating, comment, timezone.now()
        problem.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
        _event(problem, actor=actor, step="rate", status_from=problem.status,
               note=f"{problem.get_rating_display()} {comment}".strip())
        audit_record(actor=actor, action="problem.rate", target=problem, enterprise=problem.enterprise,
                     after={"rating": rating}, reason=comment)
        if rating == Problem.Rating.UNSATISFIED:
            text = _("企业对办理结果不满意：%(comment)s（原诉求：%(description)s）") % {
                "comment": comment, "description": problem.description[:200]}
            problem_raise(actor=actor, enterprise=problem.enterprise, category=problem.category,
                          description=text[:DESCRIPTION_MAX], follow_up_of=problem)
    return problem


def problems_escalate_overdue(*, now=None) -> int:
    """Celery beat: every problem past its deadline moves up — the street's to the firm's department (or
    to the task force when it has none), the department's to the task force; the task force's stay and
    stay flagged. One transaction per problem; returns how many moved."""
    now = now or timezone.now()
    moved = 0
    candidates = list(Problem.objects.filter(status__in=Problem.OPEN_STATES, due_at__lt=now)
                      .exclude(owner=OWN.TASK_FORCE).values_list("pk", flat=True).order_by("pk"))
    for pk in candidates:
        with transaction.atomic():
            problem = (Problem.objects.select_for_update(skip_locked=True, of=("self",))
                       .select_related("enterprise", "jurisdiction", "department")
                       .filter(pk=pk, status__in=Problem.OPEN_STATES, due_at__lt=now).exclude(owner=OWN.TASK_FORCE)
                       .first())
            if problem is None:
                continue
            to_owner = OWN.DEPARTMENT if problem.owner == OWN.STREET and problem.department_id else OWN.TASK_FORCE
            note = _("超过办理期限（%(due)s）未办结，系统自动上报。") % {
                "due": timezone.localtime(problem.due_at).strftime("%Y-%m-%d %H:%M")}
            _move(problem, actor=None, step="auto_escalate", to_status=S.ESCALATED, to_owner=to_owner, note=note,
                  audit_action="problem.auto_escalate", now=now)
            notify(owners_of(problem), code="problem.overdue", data=_data(problem), link=problem.get_absolute_url())
            moved += 1
    return moved
