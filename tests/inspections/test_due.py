"""The look-back due list: who comes due, per team's coverage, ordered by risk, built with one DELETE and
one INSERT per team, read in pages of one query; the morning task on the real worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enterprises.choices import OperatingStatus
from inspections.models import DueLine, Inspection, RectificationOrder
from inspections.services.due import due_list_build, due_lists_build
from org.models import PatrolTeam
from tests.factories import EnterpriseFactory
from tests.inspections.helpers import all_yes, failed, record
from zhifu_reopen.models import AuditEntry

pytestmark = pytest.mark.django_db
XY_TEAM = "向阳街道联合巡查组"


@pytest.fixture
def district(xy, ds, personas):
    reopened = [EnterpriseFactory(jurisdiction=xy, operating_status=OperatingStatus.REOPENED) for _ in range(3)]
    other_street = EnterpriseFactory(jurisdiction=ds, operating_status=OperatingStatus.REOPENED)
    not_reopened = EnterpriseFactory(jurisdiction=xy)
    unauthorised = EnterpriseFactory(jurisdiction=xy, operating_status=OperatingStatus.UNAUTHORISED)
    livelihood = EnterpriseFactory(jurisdiction=xy, operating_status=OperatingStatus.REOPENED, category="livelihood")
    # reopened[0]: inspected yesterday (not due); reopened[1]: 20 days ago (due); reopened[2]: never.
    record(personas["inspector_xy"], reopened[0], XY_TEAM)
    old = record(personas["inspector_xy"], reopened[1], XY_TEAM)
    Inspection.objects.filter(pk=old.pk).update(started_at=timezone.now() - dt.timedelta(days=20),
                                                ended_at=timezone.now() - dt.timedelta(days=20))
    return dict(reopened=reopened, other_street=other_street, not_reopened=not_reopened, unauthorised=unauthorised,
                livelihood=livelihood)


def lines(team_name):
    return {line.enterprise_id: line for line in DueLine.objects.filter(team__name=team_name)}


def test_each_reason_and_coverage(district, personas):
    due_lists_build()
    street = lines(XY_TEAM)
    r = district["reopened"]
    assert r[0].pk not in street and district["not_reopened"].pk not in street
    assert street[r[1].pk].reason == "lookback" and street[r[1].pk].last_inspected_at is not None
    assert street[r[2].pk].last_inspected_at is None
    assert street[district["unauthorised"].pk].reason == "unauthorised"
    assert district["other_street"].pk not in street
    assert district["other_street"].pk in lines("区第一巡查指导组")  # a district team covers every street
    # Ordered by risk: unauthorised first; never inspected livelihood above a 20-day general one.
    order = list(DueLine.objects.filter(team__name=XY_TEAM).order_by("-risk", "pk").values_list("enterprise_id",
                                                                                                   flat=True))
    assert order[0] == district["unauthorised"].pk
    assert order.index(district["livelihood"].pk) < order.index(r[1].pk)


def test_an_order_come_due(district, personas):
    enterprise = district["reopened"][0]
    record(personas["inspector_xy"], enterprise, XY_TEAM, answers=all_yes(enterprise, masks=failed("未戴口罩")))
    order = RectificationOrder.objects.get()
    due_lists_build()
    assert enterprise.pk not in lines(XY_TEAM)  # not due yet
    RectificationOrder.objects.filter(pk=order.pk).update(due_on=timezone.localdate())
    due_lists_build()
    line = lines(XY_TEAM)[enterprise.pk]
    assert (line.reason, line.order_id, line.open_findings) == ("order_due", order.pk, 1)


def test_one_delete_and_one_insert_per_team_and_idempotent(district):
    team = PatrolTeam.objects.get(name=XY_TEAM)
    with CaptureQueriesContext(connection) as ctx:
        first = due_list_build(team)
    writes = [q["sql"].split()[0].upper() for q in ctx.captured_queries
              if q["sql"].split()[0].upper() in ("DELETE", "INSERT", "UPDATE")]
    assert writes == ["DELETE", "INSERT"]
    assert due_list_build(team) == first == DueLine.objects.filter(team=team).count()


def test_the_page_is_one_query_for_the_rows_whatever_the_size(client_for, district, xy, django_assert_max_num_queries):
    due_lists_build()
    c = client_for("inspector_xy")
    c.get(reverse("inspections:due"))
    with CaptureQueriesContext(connection) as small:
        c.get(reverse("inspections:due"))
    for _ in range(40):
        EnterpriseFactory(jurisdiction=xy, operating_status=OperatingStatus.REOPENED)
    due_lists_build()
    with CaptureQueriesContext(connection) as large:
        page = c.get(reverse("inspections:due"))
    assert len(large.captured_queries) == len(small.captured_queries) <= 8
    assert page.context["more"]  # 25 a page
    after = c.get(reverse("inspections:due"), {"after": page.context["more"]})
    firsts = {line.pk for line in page.context["rows"]}
    assert firsts.isdisjoint({line.pk for line in after.context["rows"]})


def test_rebuild_on_demand_is_audited(client_for, district):
    c = client_for("inspector_xy")
    assert c.post(reverse("inspections:due_rebuild")).status_code == 302
    assert AuditEntry.objects.filter(action="team.due_list_rebuild").count() == 1
    assert DueLine.objects.filter(team__name=XY_TEAM).exists()
    assert client_for("staff_xy").post(reverse("inspections:due_rebuild")).status_code == 403


def test_the_morning_build_runs_once_a_day_after_its_hour(settings, district):
    from inspections.services.due import due_lists_build_if_due

    entry = settings.CELERY_BEAT_SCHEDULE["inspections-due-lists"]
    assert entry["task"] == "inspections.tasks.due_lists_build_daily"
    settings.INSPECTIONS_DUE_LIST_HOUR = 6
    day = timezone.localtime().replace(hour=5, minute=50, second=0, microsecond=0)
    assert due_lists_build_if_due(now=day) == 0 and not DueLine.objects.exists()  # not yet 06:00
    assert due_lists_build_if_due(now=day + dt.timedelta(minutes=15)) > 0  # the first look after 06:00
    assert due_lists_build_if_due(now=day + dt.timedelta(minutes=30)) == 0  # built today already
    assert due_lists_build_if_due(now=day + dt.timedelta(days=1, minutes=15)) > 0  # the next morning


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_lists(celery_worker_proc, xy, org):
    from tests.placards.helpers import wait_for
    from zhifu_reopen.celery import app

    EnterpriseFactory(jurisdiction=xy, operating_status=OperatingStatus.REOPENED)
    app.send_task("inspections.tasks.due_lists_build")
    wait_for(lambda: DueLine.objects.filter(team__name=XY_TEAM).exists(), timeout=60, message="the due lists")
    assert DueLine.objects.filter(team__name=XY_TEAM).count() == 1
