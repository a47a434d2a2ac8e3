"""Checklists are data: which version an inspection uses, and the task force's editing of a checklist
(an edit makes a draft; publishing it freezes it and retires the version before)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.choices import Category, Scale
from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError

from ..models import (
    Checklist,
    ChecklistItem,
    ChecklistPurpose,
    ChecklistVersion,
    FindingCategory,
    InspectionKind,
)
from ..rules import checklist as rules

V = ChecklistVersion.Status


def purpose_for(enterprise, kind: str) -> str:
    """What is inspected chooses the checklist: a look-back, a venue, a livelihood enterprise (the daily
    check and disinfection regime), else a reopened enterprise."""
    if kind == InspectionKind.LOOKBACK:
        return ChecklistPurpose.LOOKBACK
    if enterprise.scale == Scale.VENUE:
        return ChecklistPurpose.VENUE
    if enterprise.category == Category.LIVELIHOOD:
        return ChecklistPurpose.DAILY_REGIME
    return ChecklistPurpose.REOPENED


def checklist_for(enterprise, kind: str) -> ChecklistVersion:
    version = (ChecklistVersion.objects.filter(checklist__purpose=purpose_for(enterprise, kind), status=V.PUBLISHED)
               .select_related("checklist").first())
    if version is None:
        raise DomainError(_("该类检查表尚未发布，请联系工作专班。"), code="refused")
    return version


@transaction.atomic
def checklist_draft(*, actor, checklist: Checklist) -> ChecklistVersion:
    """The checklist's draft: the existing one, or a new version copying the published items."""
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    rules.require(actor, "edit", checklist)
    draft = checklist.versions.filter(status=V.DRAFT).first()
    if draft is not None:
        return draft
    number = (checklist.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = ChecklistVersion.objects.create(checklist=checklist, number=number, created_by=actor)
    published = checklist.versions.filter(status=V.PUBLISHED).first()
    if published is not None:
        ChecklistItem.objects.bulk_create([
            ChecklistItem(version=draft, position=i.position, code=i.code, text=i.text, allow_na=i.allow_na,
                          photo_on=i.photo_on, finding_category=i.finding_category)
            for i in published.items.all()
        ])
    audit_record(actor=actor, action="checklist.draft", target=draft, after={"number": number})
    return draft


def _draft_of(version: ChecklistVersion) -> ChecklistVersion:
    locked = ChecklistVersion.objects.select_for_update().select_related("checklist").get(pk=version.pk)
    if locked.status != V.DRAFT:
        raise DomainError(_("已发布或已停用的检查表版本不能修改；请先新建草稿。"), code="conflict")
    return locked


@transaction.atomic
def checklist_item_save(*, actor, version: ChecklistVersion, code: str, text: str, allow_na: bool,
                        photo_on: list[str], finding_category: str) -> ChecklistItem:
    """Add an item to a draft, or change the draft's item with that code."""
    version = _draft_of(version)
    rules.require(actor, "edit", version.checklist)
    code, text = (code or "").strip(), (text or "").strip()
    errors = []
    if not code or not code.replace("_", "").isalnum() or not code.isascii():
        errors.append(_("代码只能由字母、数字和下划线组成。"))
    if not text:
        errors.append(_("请填写检查内容。"))
    if finding_category not in FindingCategory.values:
        errors.append(_("请选择问题类别。"))
    if any(a not in ("yes", "no", "na") for a in photo_on):
        errors.append(_("需拍照的回答只能是“是”“否”或“不适用”。"))
    if errors:
        raise DomainError(errors[0], messages=errors, code="invalid")
    item = version.items.filter(code=code).first()
    if item is None:
        position = (version.items.aggregate(n=Max("position"))["n"] or 0) + 1
        item = ChecklistItem(version=version, code=code, position=position)
    item.text, item.allow_na, item.photo_on, item.finding_category = text[:200], allow_na, photo_on, finding_category
    item.save()
    audit_record(actor=actor, action="checklist.item_save", target=version,
                 after={"code": code, "text": item.text, "allow_na": allow_na, "photo_on": photo_on})
    return item


@transaction.atomic
def checklist_item_remove(*, actor, version: ChecklistVersion, code: str) -> None:
    version = _draft_of(version)
    rules.require(actor, "edit", version.checklist)
    deleted, _rows = version.items.filter(code=code).delete()
    if not deleted:
        raise DomainError(_("草稿中没有该检查项。"), code="not_found")
    audit_record(actor=actor, action="checklist.item_remove", target=version, before={"code": code})


@transaction.atomic
def checklist_publish(*, actor, version: ChecklistVersion) -> ChecklistVersion:
    """The draft becomes the published version (frozen); the version before is retired. Inspections keep
    the version they used."""
    version = _draft_of(version)
    rules.require(actor, "publish", version.checklist)
    if not version.items.exists():
        raise DomainError(_("检查表至少要有一个检查项。"), code="invalid")
    previous = list(ChecklistVersion.objects.select_for_update().filter(checklist_id=version.checklist_id,
                                                                        status=V.PUBLISHED))
    ChecklistVersion.objects.filter(pk__in=[p.pk for p in previous]).update(status=V.RETIRED)
    version.status, version.published_at = V.PUBLISHED, timezone.now()
    version.save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="checklist.publish", target=version,
                 before={"published": [p.number for p in previous]}, after={"published": version.number})
    return version
