"""Retention of personal data (issue 13 item 5): rosters and material files are deleted N days after the
application is closed, or once the epidemic response has been over N days; one audit entry of counts per
application; idempotent; the application page says so."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals.models import Application, Material, ReturningEmployee
from approvals.services.applications import application_withdraw
from approvals.services.retention import personal_data_purge
from tests.approvals import helpers as h
from tests.factories import EnterpriseFactory
from tests.placards.helpers import wait_for
from zhifu_reopen.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def closed(staff, enterprise, *, status: str, days_ago: float) -> Application:
    """A filed application with a roster and materials, closed ``days_ago`` days ago."""
    app = h.draft(staff, enterprise, employees=2)
    Application.objects.filter(pk=app.pk).update(status=status, decided_at=timezone.now() - timedelta(days=days_ago))
    app.refresh_from_db()
    return app


def firm(enterprise):
    """Another small firm of the same street (one live application per firm)."""
    return EnterpriseFactory(jurisdiction=enterprise.jurisdiction, department=enterprise.department, scale="small")


def files_of(app) -> list[str]:
    return [m.file.name for m in Material.objects.filter(application=app)]


def purge_command() -> str:
    out = io.StringIO()
    call_command("pii_purge", stdout=out)
    return out.getvalue()


def test_closed_applications_past_retention_lose_roster_and_materials(settings, staff, enterprise_xy, personas):
    settings.PII_RETENTION_DAYS = 30
    rejected = closed(staff, enterprise_xy, status="rejected", days_ago=31)
    withdrawn = h.draft(staff, firm(enterprise_xy), employees=1)
    application_withdraw(user=staff, application=withdrawn, reason="企业决定暂缓复工")  # the real service
    Application.objects.filter(pk=withdrawn.pk).update(decided_at=timezone.now() - timedelta(days=40))
    recent = closed(staff, firm(enterprise_xy), status="approved", days_ago=29)  # not yet
    returned = closed(staff, firm(enterprise_xy), status="returned", days_ago=60)  # not closed: to be corrected
    open_app = h.submitted(staff, firm(enterprise_xy))
    gone_files = files_of(rejected) + files_of(withdrawn)
    kept_files = files_of(recent) + files_of(returned) + files_of(open_app)
    assert len(gone_files) == 8 and all(default_storage.exists(n) for n in gone_files)

    assert "purged 2 applications: 3 employees, 8 materials, 8 files" in purge_command()

    for app in (rejected, withdrawn):
        assert not ReturningEmployee.objects.filter(application=app).exists()
        assert not Material.objects.filter(application=app).exists()
        app.refresh_from_db()
        assert app.personal_data_purged_at is not None
    assert not any(default_storage.exists(n) for n in gone_files)
    for app in (recent, returned, open_app):
        assert ReturningEmployee.objects.filter(application=app).count() == 2
        app.refresh_from_db()
        assert app.personal_data_purged_at is None
    assert all(default_storage.exists(n) for n in kept_files)

    entry = AuditEntry.objects.get(action="roster.purge", target_id=rejected.pk)
    assert entry.actor is None and entry.after == {"employees": 2, "materials": 4, "files": 4}
    assert "30" in entry.reason
    # Counts, never the data.
    assert h.employee_data(1)["id_number"] not in json.dumps([entry.before, entry.after, entry.reason])

    # Idempotent: a second run finds nothing and records nothing.
    assert "purged 0 applications" in purge_command()
    assert AuditEntry.objects.filter(action="roster.purge").count() == 2

    # The application page says what happened and when.
    page = Client()
    page.force_login(staff)
    text = page.get(reverse("approvals:detail", args=[rejected.pk])).text
    day = timezone.localtime(Application.objects.get(pk=rejected.pk).personal_data_purged_at).strftime("%Y-%m-%d")
    assert 'id="roster-purged"' in text and day in text and "按个人信息保存期限删除" in text
    assert 'id="roster-purged"' not in page.get(reverse("approvals:detail", args=[recent.pk])).text


def test_once_the_response_is_over_n_days_every_application_is_purged(settings, staff, enterprise_xy):
    settings.PII_RETENTION_DAYS = 30
    open_app = h.submitted(staff, enterprise_xy)
    recent = closed(staff, firm(enterprise_xy), status="approved", days_ago=1)
    settings.EPIDEMIC_RESPONSE_END = timezone.localdate() - timedelta(days=29)  # over, but not long enough
    assert personal_data_purge()["applications"] == 0
    settings.EPIDEMIC_RESPONSE_END = timezone.localdate() - timedelta(days=30)
    totals = personal_data_purge()
    assert totals == {"applications": 2, "employees": 4, "materials": 8, "files": 8}
    assert not ReturningEmployee.objects.filter(application__in=[open_app, recent]).exists()
    entry = AuditEntry.objects.get(action="roster.purge", target_id=open_app.pk)
    assert "疫情防控响应已结束" in entry.reason


def test_an_application_reopened_meanwhile_is_not_purged(settings, staff, enterprise_xy):
    """The selection is re-checked under the row lock: if the application is no longer due when its turn
    comes, nothing of it is deleted."""
    from approvals.services import retention

    settings.PII_RETENTION_DAYS = 30
    app = closed(staff, enterprise_xy, status="rejected", days_ago=31)
    assert list(retention.purge_due().values_list("pk", flat=True)) == [app.pk]
    Application.objects.filter(pk=app.pk).update(status="submitted", decided_at=None)
    assert retention.application_personal_data_purge(app.pk) is None
    assert ReturningEmployee.objects.filter(application=app).count() == 2


def test_the_settings_come_from_the_environment():
    assert isinstance(django_settings.PII_RETENTION_DAYS, int)
    assert django_settings.CELERY_BEAT_SCHEDULE["approvals-personal-data-purge"]["task"] == \
        "approvals.tasks.personal_data_purge"
    assert django_settings.CELERY_BEAT_SCHEDULE["approvals-personal-data-purge"]["schedule"] == 24 * 3600.0


@pytest.mark.redis
def test_the_daily_task_purges_on_a_real_worker(celery_worker_proc, personas, enterprise_xy):
    """Sent by name as beat sends it; the worker runs with the default retention (90 days)."""
    from zhifu_reopen.celery import app as celery_app

    staff = personas["staff_xy"]
    app = closed(staff, enterprise_xy, status="rejected", days_ago=400)
    files = files_of(app)
    celery_app.send_task("approvals.tasks.personal_data_purge")
    wait_for(lambda: AuditEntry.objects.filter(action="roster.purge", target_id=app.pk).exists(),
             timeout=90, message="the purge on the worker")
    assert not ReturningEmployee.objects.filter(application=app).exists()
    assert not any(default_storage.exists(n) for n in files)
