from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from placards.models import Placard
from placards.services import batch_print_request
from tests.factories import EnterpriseFactory
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import Job

from .helpers import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_placards(xy, ds, personas):
    mine = [approve(EnterpriseFactory(jurisdiction=xy), personas["secretary_xy"]) for _ in range(5)]
    other = [approve(EnterpriseFactory(jurisdiction=ds), personas["secretary_ds"]) for _ in range(2)]
    return mine, other


def test_batch_print_makes_one_multipage_pdf(street_placards, personas, django_capture_on_commit_callbacks):
    mine, _other = street_placards
    with django_capture_on_commit_callbacks(execute=True):
        job = batch_print_request(actor=personas["staff_xy"], placard_ids=[p.pk for p in reversed(mine)])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert (job.progress_done, job.progress_total, job.percent) == (5, 5, 100)
    reader = PdfReader(BytesIO(job.output_file.read()))
    assert len(reader.pages) == 5
    texts = [page.extract_text() for page in reader.pages]
    assert [p.number in t for p, t in zip(mine, texts, strict=True)] == [True] * 5  # in number order
    assert Placard.objects.filter(pk__in=[p.pk for p in mine], printed_at__isnull=False).count() == 5


def test_batch_refuses_placards_out_of_scope(street_placards, personas):
    mine, other = street_placards
    with pytest.raises(DomainError) as info:
        batch_print_request(actor=personas["staff_xy"], placard_ids=[mine[0].pk, other[0].pk])
    assert info.value.code == "forbidden"
    with pytest.raises(DomainError):
        batch_print_request(actor=personas["staff_xy"], placard_ids=[])
    assert not Job.objects.filter(kind="placard_batch").exists()


def test_print_all_new_of_a_street_from_the_list(street_placards, client_for, django_capture_on_commit_callbacks):
    mine, _other = street_placards
    client = client_for("taskforce")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("placards:batch"),
                               {"all": "1", "jurisdiction": str(mine[0].enterprise.jurisdiction_id), "new": "on"})
    job = Job.objects.get(kind="placard_batch")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.progress_total == 5
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "下载结果" in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    # They are no longer new: a second "all new" print finds nothing, and the list says so (400).
    response = client.post(reverse("placards:batch"),
                           {"all": "1", "jurisdiction": str(mine[0].enterprise.jurisdiction_id), "new": "on"})
    assert response.status_code == 400 and Job.objects.filter(kind="placard_batch").count() == 1
    assert "请先选择要打印的公示牌" in response.content.decode()


def test_print_placards_command(street_placards, tmp_path):
    out = tmp_path / "all.pdf"
    stdout = StringIO()
    call_command("print_placards", "--jurisdiction", "370602001", "-o", str(out), stdout=stdout)
    assert len(PdfReader(out).pages) == 5
    assert "已打印 5 张公示牌" in stdout.getvalue()
    call_command("print_placards", "--limit", "3", "-o", str(out), stdout=StringIO())
    assert len(PdfReader(out).pages) == 3
    call_command("print_placards", "-o", str(out), stdout=StringIO())
    assert len(PdfReader(out).pages) == 7


def test_print_placards_unknown_jurisdiction(tmp_path, org):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("print_placards", "--jurisdiction", "999", "-o", str(tmp_path / "x.pdf"))


def test_seed_step_issues_missing_placards(enterprise_xy, personas):
    from datetime import date

    from django.utils import timezone

    from approvals.models import Application
    from placards.demo import seed_placards

    Application.objects.create(
        enterprise=enterprise_xy, status="approved", chain="dual_signature", requested_reopen_on=date(2020, 2, 15),
        returning_headcount=3, filed_by=personas["staff_xy"], approved_at=timezone.now(),
    )
    out = StringIO()
    seed_placards(out)
    seed_placards(out)
    assert Placard.objects.count() == 1
    assert "已为 1 份" in out.getvalue() and "已为 0 份" in out.getvalue()


def test_a_thousand_placards_in_one_pdf(xy, personas, django_capture_on_commit_callbacks):
    """1,000 placards at once: one job, one 1,000-page PDF, progress to the end."""
    from datetime import date
    from unittest import mock

    from django.db import transaction
    from django.utils import timezone

    from approvals.models import Application
    from enterprises.models import Enterprise
    from enterprises.validators import make_credit_code
    from placards.services import placard_issue

    enterprises = Enterprise.objects.bulk_create([
        Enterprise(name=f"烟台千张测试{i:04d}有限公司", credit_code=make_credit_code("370602", 70000000 + i),
                   scale="small", jurisdiction=xy, address=f"烟台市芝罘区北马路{i}号", prevention_contact="李娜",
                   prevention_mobile="13800138000")
        for i in range(1000)
    ])
    apps = Application.objects.bulk_create([
        Application(enterprise=f, status="approved", chain="dual_signature", requested_reopen_on=date(2020, 2, 15),
                    returning_headcount=10, filed_by=personas["staff_xy"], approved_at=timezone.now())
        for f in enterprises
    ])
    with mock.patch("placards.services.issuing.job_enqueue"):
        for application in apps:
            with transaction.atomic():
                placard_issue(application=application, actor=personas["taskforce"])
    ids = list(Placard.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        job = batch_print_request(actor=personas["staff_xy"], placard_ids=ids)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.result["pages"] == 1000 and job.progress_done == 1000
    assert len(PdfReader(BytesIO(job.output_file.read())).pages) == 1000
