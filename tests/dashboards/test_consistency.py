"""Every figure of the summary equals the count computed independently from the raw rows — for the
district and for every street — on seeded demo data; and each indicator's definition on hand-made cases."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from approvals.models import Application
from dashboards.services.summaries import DISTRICT, build, street_scope, summaries_refresh
from enterprises.models import Enterprise
from inspections.models import Finding, Inspection, RectificationOrder, StopWork
from liaisons.models import DailyLog, Problem
from org.models import Jurisdiction
from placards.models import Placard
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def raw(jurisdiction=None) -> dict:
    """The headline figures with plain queries, one at a time."""
    e = Enterprise.objects.all()
    a = Application.objects.all()
    if jurisdiction is not None:
        e, a = e.filter(jurisdiction=jurisdiction), a.filter(enterprise__jurisdiction=jurisdiction)
    live = e.exclude(operating_status="ceased")
    today = timezone.localdate()
    reopened = live.filter(operating_status="reopened")
    ids = list(e.values_list("pk", flat=True))
    regime = [x.pk for x in live if (x.category == "livelihood" or x.daily_log_added) and x.operating_status != "closed"]
    return {
        "registered": live.count(),
        "surveyed": live.filter(last_visited_on__gte=today - dt.timedelta(days=13)).count(),
        "visited": live.exclude(last_visited_on=None).count(),
        "applied": a.exclude(submitted_at=None).values("enterprise").distinct().count(),
        "in_review": a.filter(status__in=["submitted", "in_review"]).count(),
        "approved": a.filter(status="approved").values("enterprise").distinct().count(),
        "reopened": reopened.count(),
        "returning": a.filter(status="approved", enterprise__operating_status="reopened").aggregate(
            n=Sum("returning_headcount"))["n"] or 0,
        "staff_reopened": reopened.aggregate(n=Sum("employee_count"))["n"] or 0,
        "key_total": live.filter(category="key_backbone").count(),
        "key_reopened": reopened.filter(category="key_backbone").count(),
        "output_total": live.filter(output_over_100m=True).count(),
        "output_reopened": reopened.filter(output_over_100m=True).count(),
        "placards_valid": Placard.objects.filter(enterprise_id__in=ids, status="valid").count(),
        "placards_suspended": Placard.objects.filter(enterprise_id__in=ids, status="suspended").count(),
        "overdue_steps": a.filter(status__in=["submitted", "in_review"], step_deadline__lt=timezone.now()).count(),
        "inspections": Inspection.objects.filter(enterprise_id__in=ids).count(),
        "findings": Finding.objects.filter(enterprise_id__in=ids).count(),
        "orders_open": RectificationOrder.objects.filter(enterprise_id__in=ids, status="open").count(),
        "orders_overdue": RectificationOrder.objects.filter(enterprise_id__in=ids, status="open",
                                                            due_on__lt=today).count(),
        "stop_works": StopWork.objects.filter(enterprise_id__in=ids, status="active").values("enterprise").distinct()
        .count(),
        "problems_open": Problem.objects.filter(enterprise_id__in=ids).exclude(status="resolved").count(),
        "problems_resolved": Problem.objects.filter(enterprise_id__in=ids, status="resolved").count(),
        "daily_required": len(regime),
        "daily_logged": DailyLog.objects.filter(enterprise_id__in=regime, day=today).count(),
    }


@pytest.fixture
def seeded(org, settings):
    settings.DEBUG = True
    call_command("seed_demo", enterprises=300, stdout=io.StringIO())


def test_every_figure_matches_the_raw_rows(seeded):
    data = build()
    scopes = [(DISTRICT, None)] + [(street_scope(j.pk), j) for j in Jurisdiction.objects.all()]
    checked = 0
    for key, jurisdiction in scopes:
        kpi = data[key]["kpi"]
        for name, value in raw(jurisdiction).items():
            assert kpi[name] == value, (key, name, kpi[name], value)
            checked += 1
        if kpi["registered"]:
            assert kpi["reopen_rate"] == round(100.0 * kpi["reopened"] / kpi["registered"], 1)
    assert checked > 300
    assert data[DISTRICT]["kpi"]["registered"] == Enterprise.objects.exclude(operating_status="ceased").count() > 0
    assert sum(r[2] for r in data[DISTRICT]["ranking"]) == data[DISTRICT]["kpi"]["registered"]


def test_definitions_on_hand_made_cases(personas, xy, gxj):
    from enterprises.choices import OperatingStatus

    ceased = EnterpriseFactory(jurisdiction=xy, operating_status=OperatingStatus.CEASED, employee_count=10)
    stopped = EnterpriseFactory(jurisdiction=xy, operating_status=OperatingStatus.CLOSED, employee_count=10)
    EnterpriseFactory(jurisdiction=xy, operating_status=OperatingStatus.REOPENED, employee_count=20,
                                 category="key_backbone", output_over_100m=True)
    waiting = EnterpriseFactory(jurisdiction=xy, operating_status=OperatingStatus.NOT_REOPENED)
    kpi = build()[street_scope(xy.pk)]["kpi"]
    assert kpi["registered"] == 3  # closed for good is out; shut down (责令关停) stays in the denominator
    assert kpi["reopened"] == 1 and kpi["reopen_rate"] == 33.3  # a firm reopened and then stopped is not reopened
    assert kpi["key_total"] == 1 and kpi["key_rate"] == 100.0 and kpi["output_rate"] == 100.0
    assert kpi["staff_reopened"] == 20 and kpi["return_rate"] == 0.0  # no approved returning staff yet
    assert ceased.pk and stopped.pk and waiting.pk


def test_a_large_firm_at_each_step(personas, xy, gxj):
    from tests.approvals import helpers as h

    staff = personas["staff_xy"]
    large = EnterpriseFactory(jurisdiction=xy, department=gxj, scale="large")
    app = h.submitted(staff, large)
    steps = build()[street_scope(xy.pk)]["by_step"]
    assert steps["street"] == 1 and steps["department"] == 0
    Application.objects.filter(pk=app.pk).update(status="in_review", current_step="department")
    assert build()[street_scope(xy.pk)]["by_step"]["department"] == 1
    Application.objects.filter(pk=app.pk).update(current_step="task_force")
    data = build()[street_scope(xy.pk)]
    assert data["by_step"]["task_force"] == 1 and data["kpi"]["in_review"] == 1


def test_a_failed_refresh_keeps_the_figures(personas, xy):
    EnterpriseFactory(jurisdiction=xy)
    good = summaries_refresh()
    assert good.ok

    def broken(now):
        raise RuntimeError("数据库超时")

    bad = summaries_refresh(builder=broken)
    assert not bad.ok and "数据库超时" in bad.error
    from dashboards.models import Summary

    assert Summary.objects.get(scope=DISTRICT).computed_at == good.started_at
