"""Retention of personal data (PIPL: delete when done). The rosters (returning employees) and the
material files of an application are deleted once it has been closed — approved, rejected or withdrawn —
for ``PII_RETENTION_DAYS``, and those of every application once the epidemic response has been over
(``EPIDEMIC_RESPONSE_END``) for as long. Each purged application gets one audit entry with the counts
(never the data) and the date on its page. Idempotent: an application with nothing left is not touched
again, and a run stopped midway is simply run again (files go first, inside the row lock, so a failed
run leaves rows whose files a rerun deletes).

Run daily on beat (``approvals.tasks.personal_data_purge``) and by hand (``manage.py pii_purge``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifu_reopen.audit import audit_record

from ..models import Application, Material, ReturningEmployee
from .locking import application_lock

S = Application.Status
CLOSED = (S.APPROVED, S.REJECTED, S.WITHDRAWN)


def _response_over(now: datetime, days: int) -> bool:
    end = settings.EPIDEMIC_RESPONSE_END
    return end is not None and end + timedelta(days=days) <= timezone.localdate(now)


def _due_filter(now: datetime) -> tuple[Q, str]:
    days = settings.PII_RETENTION_DAYS
    if _response_over(now, days):
        return Q(), _("疫情防控响应已结束超过%(n)d天") % {"n": days}
    return (Q(status__in=CLOSED, decided_at__lte=now - timedelta(days=days)),
            _("申请办结超过%(n)d天") % {"n": days})


def purge_due(now: datetime | None = None) -> QuerySet[Application]:
    """The applications whose personal data is due for deletion and still holds some."""
    now = now or timezone.now()
    due, _reason = _due_filter(now)
    has_data = (Exists(ReturningEmployee.objects.filter(application=OuterRef("pk")))
                | Exists(Material.objects.filter(application=OuterRef("pk"))))
    return Application.objects.filter(due).filter(has_data).order_by("pk")


def application_personal_data_purge(application_id: int, *, now: datetime | None = None) -> dict | None:
    """Delete one application's roster and materials (rows and files) if it is still due. Returns the
    counts, or None when there was nothing to do (already purged, or no longer due: reopened meanwhile)."""
    now = now or timezone.now()
    due, reason = _due_filter(now)
    with transaction.atomic():
        application = application_lock(application_id)
        if not Application.objects.filter(due, pk=application.pk).exists():
            return None
        materials = list(application.materials.all())
        files = 0
        for material in materials:
            if material.file.name:
                # Through the storage API: the same call works for a file system or an object store.
                material.file.storage.delete(material.file.name)
                files += 1
        employees, _detail = application.employees.all().delete()
        Material.objects.filter(pk__in=[m.pk for m in materials]).delete()
        if not employees and not materials:
            return None
        application.personal_data_purged_at = now
        application.save(update_fields=["personal_data_purged_at"])
        counts = {"employees": employees, "materials": len(materials), "files": files}
        audit_record(actor=None, action="roster.purge", target=application, enterprise=application.enterprise,
                     after=counts, reason=reason, post=_("系统（个人信息保存期限）"))
        return counts


def personal_data_purge(now: datetime | None = None) -> dict:
    """Purge every due application, one transaction each. Returns the totals."""
    now = now or timezone.now()
    totals = {"applications": 0, "employees": 0, "materials": 0, "files": 0}
    for application_id in list(purge_due(now).values_list("pk", flat=True)):
        counts = application_personal_data_purge(application_id, now=now)
        if counts:
            totals["applications"] += 1
            for key, value in counts.items():
                totals[key] += value
    return totals
