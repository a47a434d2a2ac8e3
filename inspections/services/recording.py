"""Recording an inspection (巡查) in one act: its team, who was there, start and end, an answer to every
item of the checklist version it used, notes, photos, and the findings — one per "no" answer and any
added by hand — each with its action: fixed on the spot, a rectification order with a deadline, or a
stop-work. Everything is checked first (the rule table, every answer, every photo, every finding), then
written in one transaction with its audit entries; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError

from ..models import (
    Answer,
    ChecklistVersion,
    Finding,
    FindingCategory,
    Inspection,
    InspectionAnswer,
    InspectionKind,
    RectificationOrder,
)
from ..rules import inspection as rules
from ..selectors import team_members
from .checklists import checklist_for
from .photos import CheckedPhoto, photo_check, photo_store
from .stop_work import stop_work_start

A = Finding.Action
DESCRIPTION_MAX = 1000
FUTURE_SLACK = dt.timedelta(minutes=10)
PAST_LIMIT = dt.timedelta(days=7)


@dataclass
class AnswerInput:
    answer: str
    note: str = ""
    photos: list = field(default_factory=list)  # uploads
    action: str = A.RECTIFY  # for a "no": what is done about it
    due_on: dt.date | None = None


@dataclass
class FindingInput:
    category: str
    description: str
    action: str
    due_on: dt.date | None = None
    photos: list = field(default_factory=list)


def default_due_on() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=settings.INSPECTIONS_RECTIFY_DAYS)


def team_member_ids(team) -> set[int]:
    return {member.pk for member in team_members(team)}


def check_times(started_at, ended_at, errors: list[str]) -> None:
    now = timezone.now()
    if started_at is None or ended_at is None:
        errors.append(_("请填写开始时间和结束时间。"))
        return
    if ended_at < started_at:
        errors.append(_("结束时间不能早于开始时间。"))
    if ended_at > now + FUTURE_SLACK or started_at > now + FUTURE_SLACK:
        errors.append(_("巡查时间不能晚于现在。"))
    if started_at < now - PAST_LIMIT:
        errors.append(_("只能补录七天以内的巡查。"))


def check_finding(index_label: str, category: str, description: str, action: str, due_on, errors: list[str]):
    if category not in FindingCategory.values:
        errors.append(_("%(which)s：请选择问题类别。") % {"which": index_label})
    if not (description or "").strip():
        errors.append(_("%(which)s：请填写问题描述。") % {"which": index_label})
    elif len(description) > DESCRIPTION_MAX:
        errors.append(_("%(which)s：问题描述不能超过%(n)d个字。") % {"which": index_label, "n": DESCRIPTION_MAX})
    if action not in A.values:
        errors.append(_("%(which)s：请选择处理方式。") % {"which": index_label})
    if action == A.RECTIFY and due_on is not None and due_on < timezone.localdate():
        errors.append(_("%(which)s：整改期限不能早于今天。") % {"which": index_label})


def check_photos(uploads, errors: list[str]) -> list[CheckedPhoto]:
    checked = []
    for upload in uploads:
        try:
            checked.append(photo_check(upload))
        except DomainError as exc:
            errors.append(exc.message)
    return checked


def check_members(team, actor, member_ids, errors: list[str]) -> list[int]:
    members = team_member_ids(team)
    chosen = {int(m) for m in member_ids or ()} | {actor.pk}
    if not actor.is_superuser and not chosen <= members:
        errors.append(_("参加人员只能是本巡查组成员。"))
    return sorted(chosen & members) or [actor.pk]


def _order_open(*, actor, finding: Finding, team, due_on: dt.date) -> RectificationOrder:
    order = RectificationOrder.objects.create(finding=finding, enterprise=finding.enterprise, team=team,
                                              due_on=due_on, first_due_on=due_on)
    audit_record(actor=actor, action="order.open", target=order, enterprise=finding.enterprise,
                 after={"due_on": due_on.isoformat(), "finding": finding.pk})
    return order


def findings_apply(*, actor, inspection: Inspection, team, planned: list[tuple[Finding, dt.date | None]]) -> None:
    """Write the findings and what follows from each: an order, or a stop-work (the first stop-work finding
    shuts the enterprise down; later ones, or one while a stop-work is active, are recorded under it)."""
    from ..models import StopWork

    stopping = StopWork.objects.filter(enterprise_id=inspection.enterprise_id, status=StopWork.Status.ACTIVE).exists()
    for finding, due_on in planned:
        finding.save()
        audit_record(actor=actor, action="finding.record", target=finding, enterprise=inspection.enterprise,
                     after={"category": finding.category, "action": finding.action, "inspection": inspection.pk},
                     reason=finding.description)
        if finding.action == A.RECTIFY:
            _order_open(actor=actor, finding=finding, team=team, due_on=due_on or default_due_on())
        elif finding.action == A.STOP_WORK and not stopping:
            stop_work_start(finding=finding, actor=actor)
            stopping = True


def inspection_record(
    *, actor, enterprise, team, kind: str = InspectionKind.ROUTINE, started_at, ended_at, member_ids=(),
    answers: dict[int, AnswerInput], findings: list[FindingInput] = (), notes: str = "", photos=(),
    location=(None, None, None), token: uuid.UUID | None = None,
) -> Inspection:
    """Record an inspection of ``enterprise`` by ``team``. Raises ``DomainError`` listing every problem."""
    if token is not None:
        done = Inspection.objects.filter(submission_token=token).first()
        if done is not None:
            return done
    if kind not in (InspectionKind.ROUTINE, InspectionKind.LOOKBACK):
        raise DomainError(_("巡查类型不正确。"), code="invalid")
    rules.require(actor, "record", Inspection(enterprise=enterprise, team=team), team=team)
    version: ChecklistVersion = checklist_for(enterprise, kind)
    items = list(version.items.all())
    errors: list[str] = []
    check_times(started_at, ended_at, errors)
    members = check_members(team, actor, member_ids, errors)
    planned_answers = []
    for item in items:
        given = answers.get(item.pk)
        if given is None or given.answer not in Answer.values:
            errors.append(_("“%(item)s”尚未填写检查结果。") % {"item": item.text})
            continue
        if given.answer == Answer.NA and not item.allow_na:
            errors.append(_("“%(item)s”不能选“不适用”。") % {"item": item.text})
        if given.answer in (item.photo_on or []) and not given.photos:
            errors.append(_("“%(item)s”选“%(answer)s”时须拍照。") % {"item": item.text,
                                                                 "answer": Answer(given.answer).label})
        if given.answer == Answer.NO:
            check_finding(item.text, item.finding_category, given.note or item.text, given.action, given.due_on,
                          errors)
        planned_answers.append((item, given, check_photos(given.photos, errors)))
    planned_findings = []
    for n, finding in enumerate(findings, start=1):
        check_finding(_("补充问题%(n)d") % {"n": n}, finding.category, finding.description, finding.action,
                      finding.due_on, errors)
        planned_findings.append((finding, check_photos(finding.photos, errors)))
    general_photos = check_photos(photos, errors)
    if len(notes or "") > 2000:
        errors.append(_("情况记录不能超过2000个字。"))
    if errors:
        raise DomainError(_("巡查记录未保存，请修改以下问题："), messages=errors, code="invalid")
    try:
        with transaction.atomic():
            return _write(actor=actor, enterprise=enterprise, team=team, kind=kind, version=version,
                          started_at=started_at, ended_at=ended_at, members=members, notes=notes,
                          planned_answers=planned_answers, planned_findings=planned_findings,
                          general_photos=general_photos, location=location, token=token)
    except IntegrityError:
        if token is not None and (done := Inspection.objects.filter(submission_token=token).first()):
            return done  # the same form submitted twice at once: the first one stands
        raise


def _write(*, actor, enterprise, team, kind, version, started_at, ended_at, members, notes, planned_answers,
           planned_findings, general_photos, location, token) -> Inspection:
    inspection = Inspection.objects.create(
        enterprise=enterprise, team=team, kind=kind, checklist_version=version, recorded_by=actor,
        started_at=started_at, ended_at=ended_at, notes=(notes or "").strip(), submission_token=token,
    )
    inspection.members.set(members)
    planned: list[tuple[Finding, dt.date | None]] = []
    photo_links = []
    answers = InspectionAnswer.objects.bulk_create([
        InspectionAnswer(inspection=inspection, item=item, answer=given.answer, note=(given.note or "")[:200])
        for item, given, _checked in planned_answers
    ])
    for answer, (item, given, checked) in zip(answers, planned_answers, strict=True):
        finding = None
        if given.answer == Answer.NO:
            finding = Finding(inspection=inspection, enterprise=enterprise, item=item,
                              category=item.finding_category, description=(given.note or item.text).strip(),
                              action=given.action)
            planned.append((finding, given.due_on))
        photo_links += [(c, answer, finding) for c in checked]
    for given, checked in planned_findings:
        finding = Finding(inspection=inspection, enterprise=enterprise, category=given.category,
                          description=given.description.strip(), action=given.action)
        planned.append((finding, given.due_on))
        photo_links += [(c, None, finding) for c in checked]
    audit_record(actor=actor, action="inspection.record", target=inspection, enterprise=enterprise, after={
        "team": team.name, "kind": kind, "checklist": str(version), "answers": len(planned_answers),
        "findings": len(planned), "members": members,
    })
    findings_apply(actor=actor, inspection=inspection, team=team, planned=planned)
    for checked, answer, finding in photo_links:
        photo_store(checked=checked, actor=actor, inspection=inspection, answer=answer, finding=finding,
                    location=location)
    for checked in general_photos:
        photo_store(checked=checked, actor=actor, inspection=inspection, location=location)
    return inspection
