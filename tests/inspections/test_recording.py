"""Recording an inspection: answers, findings, orders, stop-work and photos in one checked transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enterprises.choices import OperatingStatus
from inspections.models import Answer, Finding, Inspection, Photo, RectificationOrder, StopWork
from inspections.services.checklists import checklist_for
from inspections.services.recording import AnswerInput
from placards.models import Placard
from tests.inspections.helpers import all_yes, failed, hand_finding, jpeg, record
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

pytestmark = pytest.mark.django_db
XY_TEAM = "向阳街道联合巡查组"


def test_twelve_answers_two_findings_two_photos(personas, reopened):
    enterprise, placard = reopened
    inspector = personas["inspector_xy"]
    answers = all_yes(enterprise, masks=failed("前台两人未戴口罩"), disinfection=failed("无消毒记录"))
    inspection = record(inspector, enterprise, XY_TEAM, answers=answers, notes="整体较好")
    assert inspection.answers.count() == len(answers) == 12
    assert inspection.answers.filter(answer=Answer.NO).count() == 2
    findings = list(inspection.findings.order_by("pk"))
    assert [f.category for f in findings] == ["masks", "disinfection"]
    assert RectificationOrder.objects.filter(finding__in=findings, status="open").count() == 2
    order = RectificationOrder.objects.get(finding=findings[0])
    assert order.due_on == timezone.localdate() + dt.timedelta(days=3) == order.first_due_on
    assert Photo.objects.filter(inspection=inspection, finding__isnull=False).count() == 2
    assert set(inspection.members.values_list("pk", flat=True)) == {inspector.pk}
    assert inspection.checklist_version.checklist.purpose == "reopened"
    codes = list(AuditEntry.objects.filter(enterprise=enterprise).values_list("action", flat=True))
    assert codes.count("inspection.record") == 1 and codes.count("finding.record") == 2
    assert codes.count("order.open") == 2
    placard.refresh_from_db()
    assert placard.status == Placard.Status.VALID


def test_stop_work_finding_shuts_down_and_suspends_the_placard(personas, reopened):
    enterprise, placard = reopened
    answers = all_yes(enterprise, gate_duty=failed("门岗无人，未测温", action=Finding.Action.STOP_WORK))
    record(personas["inspector_xy"], enterprise, XY_TEAM, answers=answers)
    enterprise.refresh_from_db()
    placard.refresh_from_db()
    assert enterprise.operating_status == OperatingStatus.CLOSED
    assert placard.status == Placard.Status.SUSPENDED and "门岗无人" in placard.status_reason
    assert StopWork.objects.get(enterprise=enterprise).status == StopWork.Status.ACTIVE


def test_hand_added_finding_and_a_district_team(personas, reopened):
    enterprise, _placard = reopened
    inspection = record(personas["inspector_d1"], enterprise, "区第一巡查指导组", findings=[hand_finding()])
    finding = inspection.findings.get()
    assert finding.item is None and finding.category == "staff_control"
    assert finding.photos.count() == 1


@pytest.mark.parametrize("case", ["missing", "na_not_allowed", "photo_required", "no_description_ok"])
def test_answers_are_checked(personas, reopened, case):
    enterprise, _placard = reopened
    answers = all_yes(enterprise)
    items = {i.code: i for i in checklist_for(enterprise, "routine").items.all()}
    if case == "missing":
        answers.pop(items["masks"].pk)
    elif case == "na_not_allowed":
        answers[items["masks"].pk] = AnswerInput(Answer.NA)
    elif case == "photo_required":
        answers[items["masks"].pk] = AnswerInput(Answer.NO, note="未戴口罩")
    else:
        answers[items["masks"].pk] = AnswerInput(Answer.NO, photos=[jpeg()])
        inspection = record(personas["inspector_xy"], enterprise, XY_TEAM, answers=answers)
        assert inspection.findings.get().description == items["masks"].text
        return
    with pytest.raises(DomainError) as refused:
        record(personas["inspector_xy"], enterprise, XY_TEAM, answers=answers)
    assert refused.value.messages
    assert not Inspection.objects.exists() and not Photo.objects.exists()


def test_out_of_scope_team_is_refused(personas, enterprise_ds):
    with pytest.raises(DomainError) as refused:
        record(personas["inspector_xy"], enterprise_ds, XY_TEAM, answers=all_yes(enterprise_ds))
    assert refused.value.code == "forbidden"
    assert not Inspection.objects.exists()


def test_a_photo_that_is_not_an_image_writes_nothing(personas, reopened):
    from django.core.files.uploadedfile import SimpleUploadedFile

    enterprise, _placard = reopened
    bad = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    answers = all_yes(enterprise, masks=AnswerInput(Answer.NO, note="未戴口罩", photos=[bad]))
    with pytest.raises(DomainError) as refused:
        record(personas["inspector_xy"], enterprise, XY_TEAM, answers=answers)
    assert any("不是照片" in m for m in refused.value.messages)
    assert not Inspection.objects.exists() and not Finding.objects.exists()


def test_the_same_form_twice_records_once(personas, reopened):
    import uuid

    enterprise, _placard = reopened
    token = uuid.uuid4()
    first = record(personas["inspector_xy"], enterprise, XY_TEAM, token=token)
    again = record(personas["inspector_xy"], enterprise, XY_TEAM, token=token)
    assert first.pk == again.pk and Inspection.objects.count() == 1


def test_times_are_checked(personas, reopened):
    enterprise, _placard = reopened
    now = timezone.now()
    with pytest.raises(DomainError) as refused:
        record(personas["inspector_xy"], enterprise, XY_TEAM, started_at=now, ended_at=now - dt.timedelta(hours=1))
    assert any("结束时间" in m for m in refused.value.messages)
