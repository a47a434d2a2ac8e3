"""The dashboard pages and the daily report: figures with their 截至 time and a stale warning, scopes, the
report's PDF in formal style and the street's own report, the beat entries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboards.models import DailyReport, Summary
from dashboards.services.reports import daily_report_if_due, daily_report_make
from dashboards.services.summaries import DISTRICT, summaries_refresh
from enterprises.choices import OperatingStatus
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)  # the task force's second factor verified (tests/conftest.py)
    return c


@pytest.fixture
def district(personas, xy, ds):
    for status in ("reopened", "reopened", "not_reopened"):
        EnterpriseFactory(jurisdiction=xy, operating_status=status)
    EnterpriseFactory(jurisdiction=ds, operating_status="not_reopened")
    summaries_refresh()


def test_the_task_force_reads_the_district_and_a_street(personas, district, xy):
    c = client_for(personas["taskforce"])
    page = c.get("/dashboard/").content.decode()
    assert "数据截至" in page and 'id="stale"' not in page
    assert 'id="kpi-reopen_rate"' in page and "50.0%" in page  # 2 of 4
    assert "口径" in page and "已复工企业占登记且未关闭企业的比例" in page
    street = c.get(f"/dashboard/?street={xy.pk}").content.decode()
    assert "66.7%" in street
    listing = c.get(f"/dashboard/lists/not_reopened/?street={xy.pk}")
    assert listing.status_code == 200 and "共 1 条" in listing.content.decode()
    export = c.get(f"/dashboard/lists/not_reopened/export/?street={xy.pk}")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 2


def test_stale_figures_say_so(personas, district):
    Summary.objects.update(computed_at=timezone.now() - dt.timedelta(hours=1))
    page = client_for(personas["taskforce"]).get("/dashboard/").content.decode()
    assert 'id="stale"' in page and "可能不是最新" in page


def test_a_street_sees_only_its_own(personas, district, ds):
    c = client_for(personas["staff_xy"])
    assert "66.7%" in c.get("/dashboard/").content.decode()
    assert c.get(f"/dashboard/?street={ds.pk}").status_code == 404


def test_the_daily_report_in_formal_style(personas, district, xy):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    daily_report_make(day=yesterday)
    EnterpriseFactory(jurisdiction=xy, operating_status=OperatingStatus.REOPENED)
    report = daily_report_make()
    text = "".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages)
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in text and "个百分点" in text and "家" in text
    kpi = next(s for s in report.data["scopes"] if s["key"] == DISTRICT)
    assert kpi["kpi"]["reopened"] == 3 and kpi["before"]["reopened"] == 2
    street = client_for(personas["staff_xy"]).get(f"/reports/{report.pk}/xlsx/")
    rows = list(load_workbook(io.BytesIO(street.content)).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {"向阳街道"}  # the street's own figures only
    assert client_for(personas["dept_gxj"]).get("/reports/").status_code == 403


def test_beat_makes_the_report_once_after_eight(personas, district):
    entries = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"dashboards.tasks.summaries_refresh", "dashboards.tasks.daily_report_if_due"} <= entries
    today = timezone.localdate()
    early = timezone.make_aware(dt.datetime.combine(today, dt.time(7, 50)))
    assert daily_report_if_due(now=early) == 0
    assert daily_report_if_due(now=early + dt.timedelta(minutes=15)) == 1
    assert daily_report_if_due(now=early + dt.timedelta(minutes=30)) == 0
    assert DailyReport.objects.filter(day=today).count() == 1
