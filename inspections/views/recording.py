"""Recording an inspection (the phone form), its page, and its photos (served through the scope check:
inspection photos are never public files)."""

from __future__ import annotations

import uuid

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import roles_required
from enterprises.selectors import enterprise_get
from zhifu_reopen.errors import DomainError
from zhifu_reopen.jinja2 import parenthesised
from zhifu_reopen.params import id_param

from ..models import Answer, Finding, FindingCategory, InspectionKind
from ..rules import inspection as rules
from ..selectors import inspection_get, photo_get
from ..services.checklists import checklist_for
from ..services.recording import AnswerInput, FindingInput, default_due_on, inspection_record
from .common import day, field_context, location_of, moment, refused, team_for

EXTRA_FINDINGS = 2


def _enterprise(request):
    raw = request.GET.get("enterprise") or request.POST.get("enterprise") or ""
    # id_param, not int(raw) after raw.isdigit(): "²" passes isdigit() and int() then raised (a 500).
    pk = id_param({"enterprise": raw}, "enterprise")
    if pk is None:
        raise Http404("no enterprise")
    return enterprise_get(request.user, pk)


def _context(request, enterprise, team, teams, kind) -> dict:
    version = checklist_for(enterprise, kind)
    return {
        **field_context(request, team, teams), "enterprise": enterprise, "kind": kind,
        "kind_label": InspectionKind(kind).label, "version": version, "items": list(version.items.all()),
        "answers": Answer.choices, "actions": Finding.Action.choices, "categories": FindingCategory.choices,
        "extra_findings": range(1, EXTRA_FINDINGS + 1), "due_default": default_due_on().isoformat(),
        "token": request.POST.get("token") or uuid.uuid4(),
    }


def _answers(request, items) -> dict[int, AnswerInput]:
    post, files = request.POST, request.FILES
    answers = {}
    for item in items:
        value = post.get(f"answer-{item.pk}", "")
        if not value:
            continue
        answers[item.pk] = AnswerInput(
            answer=value, note=post.get(f"note-{item.pk}", "").strip(), photos=files.getlist(f"photo-{item.pk}"),
            action=post.get(f"action-{item.pk}", Finding.Action.RECTIFY), due_on=day(post.get(f"due-{item.pk}")),
        )
    return answers


def _findings(request) -> list[FindingInput]:
    post, files = request.POST, request.FILES
    found = []
    for n in range(1, EXTRA_FINDINGS + 1):
        description = post.get(f"finding-{n}-description", "").strip()
        if not description and not post.get(f"finding-{n}-category"):
            continue
        found.append(FindingInput(
            category=post.get(f"finding-{n}-category", ""), description=description,
            action=post.get(f"finding-{n}-action", ""), due_on=day(post.get(f"finding-{n}-due")),
            photos=files.getlist(f"finding-{n}-photo"),
        ))
    return found


def _token(request):
    try:
        return uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return None


@roles_required(*rules.RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def record_view(request):
    enterprise = _enterprise(request)
    kind = request.GET.get("kind") or request.POST.get("kind") or InspectionKind.ROUTINE
    if kind not in (InspectionKind.ROUTINE, InspectionKind.LOOKBACK):
        kind = InspectionKind.ROUTINE
    team, teams = team_for(request, enterprise.jurisdiction_id, request.POST.get("team") or request.GET.get("team", ""))
    try:
        context = _context(request, enterprise, team, teams, kind)
    except DomainError as exc:
        return refused(request, "inspections/record.html", {"enterprise": enterprise}, exc)
    if request.method == "GET":
        return render(request, "inspections/record.html", context)
    try:
        inspection = inspection_record(
            actor=request.user, enterprise=enterprise, team=team, kind=kind,
            started_at=moment(request.POST.get("started_at")), ended_at=moment(request.POST.get("ended_at")),
            member_ids=[m for m in request.POST.getlist("members") if m.isdigit()],
            answers=_answers(request, context["items"]), findings=_findings(request),
            notes=request.POST.get("notes", ""), photos=request.FILES.getlist("photos"),
            location=location_of(request.POST), token=_token(request),
        )
    except DomainError as exc:
        return refused(request, "inspections/record.html", context, exc)
    return redirect("inspections:detail", inspection.pk)


@roles_required(*rules.READER_ROLES)
def detail_view(request, pk: int):
    inspection = inspection_get(request.user, pk)
    answers = list(inspection.answers.select_related("item").prefetch_related("photos"))
    findings = list(inspection.findings.select_related("item", "order", "stop_work").prefetch_related("photos"))
    return render(request, "inspections/detail.html", {
        "inspection": inspection, "answers": answers, "findings": findings,
        "member_labels": [f"{m}{parenthesised(m.get_agency_display())}" if m.agency else str(m)
                          for m in inspection.members.order_by("pk")],
        "loose_photos": list(inspection.photos.filter(answer__isnull=True, finding__isnull=True)),
    })


@roles_required(*rules.READER_ROLES)
def photo_view(request, pk: int):
    photo = photo_get(request.user, pk)
    return render(request, "inspections/photo.html", {"photo": photo})


def _file(request, pk: int, field: str):
    photo = photo_get(request.user, pk)
    stored = getattr(photo, field)
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(_("照片文件不存在。")) from None
    response = FileResponse(handle, content_type=photo.content_type if field == "file" else "image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@roles_required(*rules.READER_ROLES)
def photo_file_view(request, pk: int):
    return _file(request, pk, "file")


@roles_required(*rules.READER_ROLES)
def photo_thumb_view(request, pk: int):
    return _file(request, pk, "thumbnail")


