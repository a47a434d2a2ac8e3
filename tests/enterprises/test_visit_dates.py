"""Issue 7 §8: a survey visit happened between the start of the epidemic response and today. Out of
bounds: a 400 with the Chinese message at the field, nothing stored."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.services.registry import survey_visit_record
from zhifu_reopen.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day, message", [
    ("0001-01-01", "走访日期不能早于疫情防控工作开始日期（2020年1月1日）"),
    ("2019-12-31", "走访日期不能早于疫情防控工作开始日期"),
    ((timezone.localdate() + timedelta(days=1)).isoformat(), "走访日期不能晚于今天"),
    ("9999-12-31", "走访日期不能晚于今天"),
])
def test_a_visit_date_out_of_bounds_is_refused_at_the_field(client_for, enterprise_xy, day, message):
    c = client_for("staff_xy")
    r = c.post(reverse("enterprises:visit_create", args=[enterprise_xy.pk]),
               {"visited_on": day, "observed_status": "reopened", "notes": "现场检查"})
    assert r.status_code == 400
    html = r.text
    assert f'<div class="error-text">{message}' in html[html.index('id="visit-form"'):]
    assert not enterprise_xy.survey_visits.exists()
    enterprise_xy.refresh_from_db()
    assert enterprise_xy.last_visited_on is None
    assert c.get(reverse("enterprises:detail", args=[enterprise_xy.pk])).status_code == 200


def test_a_visit_today_is_recorded(client_for, enterprise_xy):
    r = client_for("staff_xy").post(reverse("enterprises:visit_create", args=[enterprise_xy.pk]), {
        "visited_on": timezone.localdate().isoformat(), "observed_status": "reopened", "notes": "现场检查"})
    assert r.status_code == 302 and enterprise_xy.survey_visits.count() == 1


def test_the_service_refuses_a_visit_before_the_response(personas, enterprise_xy, settings):
    settings.EPIDEMIC_RESPONSE_START = date(2022, 12, 1)
    with pytest.raises(DomainError) as info:
        survey_visit_record(user=personas["staff_xy"], enterprise=enterprise_xy, visited_on=date(2022, 11, 30),
                            observed_status="reopened")
    assert "2022年12月1日" in info.value.message
    assert not enterprise_xy.survey_visits.exists()
