"""The checklists: read by patrol members and the task force; the task force edits a draft and publishes it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import roles_required
from zhifu_reopen.errors import DomainError

from ..models import Answer, Checklist, ChecklistVersion, FindingCategory
from ..rules import checklist as rules
from ..services.checklists import (
    checklist_draft,
    checklist_item_remove,
    checklist_item_save,
    checklist_publish,
)


@roles_required(*rules.READER_ROLES)
def checklists_view(request):
    checklists = list(Checklist.objects.prefetch_related("versions").order_by("pk"))
    for checklist in checklists:
        checklist.published = next((v for v in checklist.versions.all() if v.status == "published"), None)
    return render(request, "inspections/checklists.html", {"checklists": checklists})


@roles_required(*rules.READER_ROLES)
def checklist_view(request, pk: int, errors=None, status: int = 200):
    checklist = get_object_or_404(Checklist, pk=pk)
    versions = list(checklist.versions.prefetch_related("items").order_by("-number"))
    return render(request, "inspections/checklist.html", {
        "checklist": checklist, "versions": versions,
        "published": next((v for v in versions if v.status == "published"), None),
        "draft": next((v for v in versions if v.status == "draft"), None),
        "may_edit": rules.may(request.user, "edit", checklist).allowed,
        "categories": FindingCategory.choices, "answers": Answer.choices, "errors": errors or [],
    }, status=status)


def _act(request, pk: int, call, success: str):
    try:
        call()
    except DomainError as exc:
        return checklist_view(request, pk, errors=exc.messages or [exc.message],
                              status=403 if exc.code == "forbidden" else exc.status_code)
    messages.success(request, success)
    return redirect("inspections:checklist", pk)


@roles_required(*rules.EDITOR_ROLES)
@require_POST
def checklist_draft_view(request, pk: int):
    checklist = get_object_or_404(Checklist, pk=pk)
    return _act(request, pk, lambda: checklist_draft(actor=request.user, checklist=checklist), _("已新建草稿。"))


def _draft(pk: int) -> ChecklistVersion | None:
    return ChecklistVersion.objects.filter(checklist_id=pk, status=ChecklistVersion.Status.DRAFT).first()


@roles_required(*rules.EDITOR_ROLES)
@require_POST
def checklist_item_view(request, pk: int):
    get_object_or_404(Checklist, pk=pk)
    draft = _draft(pk)
    post = request.POST

    def call():
        if draft is None:
            raise DomainError(_("请先新建草稿。"), code="conflict")
        checklist_item_save(actor=request.user, version=draft, code=post.get("code", ""), text=post.get("text", ""),
                            allow_na=post.get("allow_na") == "1", photo_on=post.getlist("photo_on"),
                            finding_category=post.get("finding_category", ""))
    return _act(request, pk, call, _("检查项已保存。"))


@roles_required(*rules.EDITOR_ROLES)
@require_POST
def checklist_item_remove_view(request, pk: int):
    get_object_or_404(Checklist, pk=pk)
    draft = _draft(pk)

    def call():
        if draft is None:
            raise DomainError(_("请先新建草稿。"), code="conflict")
        checklist_item_remove(actor=request.user, version=draft, code=request.POST.get("code", ""))
    return _act(request, pk, call, _("检查项已删除。"))


@roles_required(*rules.EDITOR_ROLES)
@require_POST
def checklist_publish_view(request, pk: int):
    get_object_or_404(Checklist, pk=pk)
    draft = _draft(pk)

    def call():
        if draft is None:
            raise DomainError(_("没有待发布的草稿。"), code="conflict")
        checklist_publish(actor=request.user, version=draft)
    return _act(request, pk, call, _("检查表已发布，旧版本已停用。"))
