import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from placards.models import Placard
from placards.services import placard_issue
from placards.services.issuing import CODE_ALPHABET
from tests.factories import EnterpriseFactory
from zhifu_reopen.models import AuditEntry, Job, YearlyCounter

from .helpers import approve

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_approval_issues_placard_with_number_token_and_code(enterprise_xy, personas):
    placard = approve(enterprise_xy, personas["secretary_xy"], approved_at=datetime(2020, 2, 15, 9, 30, tzinfo=SHANGHAI))
    assert placard.number == "芝复工〔2020〕00001号"
    assert (placard.year, placard.serial) == (2020, 1)
    assert len(placard.token) >= 32  # token_urlsafe(24): 192 bits
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}", placard.code)
    assert not set("01OIL") & set(placard.code)
    assert placard.status == Placard.Status.VALID
    assert placard.approved_headcount == 12
    assert str(placard.approved_on) == "2020-02-15"
    assert AuditEntry.objects.filter(action="placard.issue", target_id=placard.pk).exists()
    job = placard.render_job
    assert job.kind == "placard_render" and job.status == Job.Status.PENDING  # runs after commit


def test_numbers_are_consecutive_per_year(xy, personas):
    actor = personas["taskforce"]
    numbers = [approve(EnterpriseFactory(jurisdiction=xy), actor,
                       approved_at=datetime(2020, 3, 1, tzinfo=SHANGHAI)).number for _ in range(3)]
    assert numbers == ["芝复工〔2020〕00001号", "芝复工〔2020〕00002号", "芝复工〔2020〕00003号"]
    other = approve(EnterpriseFactory(jurisdiction=xy), actor, approved_at=datetime(2021, 1, 2, tzinfo=SHANGHAI))
    assert other.number == "芝复工〔2021〕00001号"
    # New Year's Eve in Yantai is still the old year even though UTC says otherwise.
    eve = approve(EnterpriseFactory(jurisdiction=xy), actor, approved_at=datetime(2020, 12, 31, 23, 30, tzinfo=SHANGHAI))
    assert eve.number == "芝复工〔2020〕00004号"


def test_rolled_back_approval_gives_its_number_back(xy, personas):
    actor = personas["taskforce"]
    with pytest.raises(RuntimeError), transaction.atomic():
        approve(EnterpriseFactory(jurisdiction=xy), actor)
        raise RuntimeError("approval failed after issuing")
    assert not Placard.objects.exists()
    assert approve(EnterpriseFactory(jurisdiction=xy), actor).serial == 1


def test_issue_is_idempotent(enterprise_xy, personas):
    placard = approve(enterprise_xy, personas["taskforce"])
    again = placard_issue(application=placard.application, actor=personas["taskforce"])
    assert again.pk == placard.pk
    assert Placard.objects.count() == 1
    assert YearlyCounter.objects.get(sequence="placard", year=placard.year).last == 1


def test_tokens_and_codes_are_unique(xy, personas):
    placards = [approve(EnterpriseFactory(jurisdiction=xy), personas["taskforce"]) for _ in range(20)]
    assert len({p.token for p in placards}) == 20
    assert len({p.code for p in placards}) == 20


def test_render_runs_after_commit(enterprise_xy, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        placard = approve(enterprise_xy, personas["secretary_xy"])
    placard.refresh_from_db()
    job = Job.objects.get(pk=placard.render_job_id)
    assert job.status == Job.Status.DONE and job.enqueued_at is not None
    assert placard.pdf.name == f"placards/{placard.year}/{placard.year}-00001.pdf"
    assert job.output_file.name == placard.pdf.name
    assert placard.pdf.read(5) == b"%PDF-"


def test_approved_again_keeps_number_and_updates_facts(enterprise_xy, personas):
    placard = approve(enterprise_xy, personas["taskforce"], approved_at=datetime(2020, 2, 15, tzinfo=SHANGHAI))
    application = placard.application
    application.returning_headcount = 30
    application.approved_at = datetime(2020, 3, 2, tzinfo=SHANGHAI)
    application.save()
    with transaction.atomic():
        again = placard_issue(application=application, actor=personas["taskforce"])
    assert (again.pk, again.number, again.token) == (placard.pk, placard.number, placard.token)
    again.refresh_from_db()
    assert again.approved_headcount == 30 and str(again.approved_on) == "2020-03-02"
    assert again.render_job_id != placard.render_job_id
    assert AuditEntry.objects.filter(action="placard.update", target_id=placard.pk).exists()
