"""Issue 7 §8: every date and time field has sane bounds. A leader meeting neither in the future nor
before the start of the epidemic response (``EPIDEMIC_RESPONSE_START``); a reopening day not in the past
(nor absurdly far ahead). A refusal is a 400 with a Chinese message at the field, and nothing is stored
(a year-1 meeting time used to be stored as a date BC and the page then answered 500 for everyone)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import Application, LeaderMeeting
from approvals.services import applications as filing
from approvals.services.review import leader_meeting_record
from tests.approvals import helpers as h
from zhifu_reopen.errors import DomainError

pytestmark = pytest.mark.django_db


def meeting(time: str) -> dict:
    return {"principal": "王伟", "met_at": time, "outcome": "措施到位"}


@pytest.mark.parametrize("met_at, message", [
    ("0001-01-01T00:00", "见面时间不能早于疫情防控工作开始日期（2020年1月1日）"),
    ("2019-12-31T23:59", "见面时间不能早于疫情防控工作开始日期"),
    ("9999-12-31T23:59", "见面时间不能晚于现在"),
    ((timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "见面时间不能晚于现在"),
])
def test_a_meeting_time_out_of_bounds_is_refused_at_the_field(client_for, staff, enterprise_xy, met_at, message):
    app = h.submitted(staff, enterprise_xy)
    c = client_for("staff_xy")
    r = c.post(reverse("approvals:meeting", args=[app.pk]), meeting(met_at))
    assert r.status_code == 400
    html = r.text
    field = html[html.index('id="meeting-form"'):]
    assert f'<div class="error-text">{message}' in field
    assert not LeaderMeeting.objects.exists()
    assert c.get(reverse("approvals:detail", args=[app.pk])).status_code == 200


def test_a_meeting_during_the_response_is_recorded(client_for, staff, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    r = client_for("staff_xy").post(reverse("approvals:meeting", args=[app.pk]), meeting("2020-02-10T09:30"))
    assert r.status_code == 302 and LeaderMeeting.objects.count() == 1
    assert client_for("staff_xy").get(reverse("approvals:detail", args=[app.pk])).status_code == 200


def test_the_service_refuses_a_year_one_meeting_whoever_calls_it(staff, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    with pytest.raises(DomainError) as info:
        leader_meeting_record(user=staff, application=app, principal="王伟", outcome="好",
                              met_at=datetime(1, 1, 1, tzinfo=UTC))
    assert "疫情防控工作开始日期" in " ".join(info.value.messages)
    assert not LeaderMeeting.objects.exists()


def test_the_start_of_the_response_is_a_setting(settings, staff, enterprise_xy):
    settings.EPIDEMIC_RESPONSE_START = date(2022, 12, 1)
    app = h.submitted(staff, enterprise_xy)
    with pytest.raises(DomainError) as info:
        leader_meeting_record(user=staff, application=app, principal="王伟", outcome="好",
                              met_at=timezone.make_aware(datetime(2022, 11, 30, 9, 0)))
    assert "2022年12月1日" in " ".join(info.value.messages)
    leader_meeting_record(user=staff, application=app, principal="王伟", outcome="好",
                          met_at=timezone.make_aware(datetime(2022, 12, 1, 9, 0)))


def application_form(day: str) -> dict:
    return {"requested_reopen_on": day, "returning_headcount": "1", "masks_qty": "100", "thermometers_qty": "2",
            "disinfectant_litres": "10"}


@pytest.mark.parametrize("day, message", [
    ("0001-01-01", "拟复工日期不能早于今天"),
    ((timezone.localdate() - timedelta(days=1)).isoformat(), "拟复工日期不能早于今天"),
    ("9999-12-31", "拟复工日期不能晚于"),
])
def test_a_reopening_day_out_of_bounds_is_refused_at_the_field(client_for, enterprise_xy, day, message):
    r = client_for("staff_xy").post(reverse("approvals:create", args=[enterprise_xy.pk]), application_form(day))
    assert r.status_code == 400
    assert f'<div class="error-text">{message}' in r.text
    assert not Application.objects.exists()


def test_the_service_refuses_a_past_reopening_day(staff, enterprise_xy):
    with pytest.raises(DomainError) as info:
        filing.application_create(user=staff, enterprise=enterprise_xy, data=h.app_data(requested_reopen_on=date(1, 1, 1)))
    assert "拟复工日期不能早于今天" in " ".join(info.value.messages)
    assert not Application.objects.exists()


def test_a_stored_day_that_has_passed_does_not_block_other_edits(client_for, staff, enterprise_xy):
    app = filing.application_create(user=staff, enterprise=enterprise_xy, data=h.app_data())
    passed = timezone.localdate() - timedelta(days=2)
    Application.objects.filter(pk=app.pk).update(requested_reopen_on=passed)
    app.refresh_from_db()
    app = filing.application_update(user=staff, application=app, data=h.app_data(requested_reopen_on=passed,
                                                                                  masks_qty=800))
    assert app.masks_qty == 800
    with pytest.raises(DomainError):
        filing.application_update(user=staff, application=app,
                                  data=h.app_data(requested_reopen_on=passed - timedelta(days=1)))
    c = client_for("staff_xy")
    r = c.post(reverse("approvals:edit", args=[app.pk]), application_form(passed.isoformat()))
    assert r.status_code == 302
    r = c.post(reverse("approvals:edit", args=[app.pk]), application_form("0001-01-01"))
    assert r.status_code == 400 and '<div class="error-text">拟复工日期不能早于今天' in r.text
    app.refresh_from_db()
    assert app.requested_reopen_on == passed
