"""Helpers of the patrol tests: photos, answers, an inspection recorded through the service."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from inspections.models import Answer, Finding
from inspections.services.checklists import checklist_for
from inspections.services.recording import AnswerInput, FindingInput, inspection_record
from org.models import PatrolTeam


def jpeg(name: str = "现场.jpg", *, size=(640, 480), colour="red", taken: str | None = None) -> SimpleUploadedFile:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    kwargs = {}
    if taken:
        exif = Image.Exif()
        exif[0x8769] = {0x9003: taken}
        kwargs["exif"] = exif
    image.save(out, "JPEG", **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def team(name: str) -> PatrolTeam:
    return PatrolTeam.objects.get(name=name)


def all_yes(enterprise, kind="routine", **overrides) -> dict[int, AnswerInput]:
    """An answer for every item: yes, with a photo where a yes needs one; ``overrides`` by item code."""
    answers = {}
    for item in checklist_for(enterprise, kind).items.all():
        given = overrides.get(item.code) or AnswerInput(Answer.YES)
        if given.answer in item.photo_on and not given.photos:
            given.photos = [jpeg()]
        answers[item.pk] = given
    return answers


def failed(note: str, action: str = Finding.Action.RECTIFY, **kw) -> AnswerInput:
    return AnswerInput(Answer.NO, note=note, action=action, photos=[jpeg()], **kw)


def record(actor, enterprise, team_name: str, *, answers=None, findings=(), **kw):
    now = timezone.now()
    kw.setdefault("started_at", now - dt.timedelta(minutes=40))
    kw.setdefault("ended_at", now - dt.timedelta(minutes=5))
    return inspection_record(
        actor=actor, enterprise=enterprise, team=team(team_name),
        answers=answers if answers is not None else all_yes(enterprise), findings=list(findings), **kw,
    )


def hand_finding(description="员工宿舍一间住12人", action=Finding.Action.RECTIFY, category="staff_control"):
    return FindingInput(category=category, description=description, action=action, photos=[jpeg("宿舍.jpg")])
