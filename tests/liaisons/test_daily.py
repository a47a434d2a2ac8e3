"""The daily log (日检查、日消毒): entries by the firm and on its behalf, refusals, the edit, the regime, the
evening alert and the street's completeness."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Notification
from liaisons.models import DailyLog, DailyLogGap
from liaisons.selectors import completeness
from liaisons.services.daily import daily_log_alerts, daily_log_alerts_if_due, daily_log_save, regime_change
from tests.factories import EnterpriseFactory
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

pytestmark = pytest.mark.django_db
ENTRY = {"checked_count": "12", "anomaly_count": "0", "anomaly_action": "", "disinfection_times": "2",
         "disinfection_areas": "车间、食堂"}


def test_firm_logs_its_day_and_liaison_logs_on_behalf(personas, livelihood):
    today = timezone.localdate()
    log, created = daily_log_save(actor=personas["firm_xy"], enterprise=livelihood, day=today, data=ENTRY)
    assert created and not log.on_behalf and log.checked_count == 12
    yesterday = today - dt.timedelta(days=1)
    log2, _ = daily_log_save(actor=personas["liaison_xy"], enterprise=livelihood, day=yesterday, data=ENTRY)
    assert log2.on_behalf
    assert AuditEntry.objects.filter(action="daily.log").count() == 2


def test_second_entry_is_an_audited_edit(personas, livelihood):
    today = timezone.localdate()
    daily_log_save(actor=personas["firm_xy"], enterprise=livelihood, day=today, data=ENTRY)
    log, created = daily_log_save(actor=personas["firm_xy"], enterprise=livelihood, day=today,
                                  data={**ENTRY, "checked_count": "15"})
    assert not created and log.checked_count == 15 and DailyLog.objects.count() == 1
    edit = AuditEntry.objects.get(action="daily.edit")
    assert edit.before == {"checked_count": 12} and edit.after["checked_count"] == 15


@pytest.mark.parametrize("day_offset, data, message", [
    (1, ENTRY, "今天以后"),
    (0, {**ENTRY, "checked_count": ""}, "测温人数"),
    (0, {**ENTRY, "disinfection_areas": ""}, "消毒区域"),
    (0, {**ENTRY, "anomaly_count": "2"}, "异常情况及处置"),
    (0, {**ENTRY, "checked_count": "abc"}, "整数"),
])
def test_refusals_write_nothing(personas, livelihood, day_offset, data, message):
    day = timezone.localdate() + dt.timedelta(days=day_offset)
    with pytest.raises(DomainError) as exc:
        daily_log_save(actor=personas["firm_xy"], enterprise=livelihood, day=day, data=data)
    assert any(message in m for m in exc.value.messages)
    assert not DailyLog.objects.exists() and not AuditEntry.objects.filter(action__startswith="daily.").exists()


def test_outside_regime_and_scope_refused(personas, firm, livelihood, enterprise_ds):
    today = timezone.localdate()
    with pytest.raises(DomainError, match="不在日检查日消毒范围"):
        daily_log_save(actor=personas["staff_xy"], enterprise=firm, day=today, data=ENTRY)  # a general firm
    ds_livelihood = EnterpriseFactory(jurisdiction=enterprise_ds.jurisdiction, category="livelihood")
    for name in ("firm_xy", "liaison_xy", "staff_xy", "dept_gxj"):
        with pytest.raises(DomainError):
            daily_log_save(actor=personas[name], enterprise=ds_livelihood, day=today, data=ENTRY)
    assert not DailyLog.objects.exists()


def test_street_adds_and_removes_a_firm(personas, firm):
    with pytest.raises(DomainError, match="理由"):
        regime_change(actor=personas["staff_xy"], enterprise=firm, add=True, reason="")
    with pytest.raises(DomainError):
        regime_change(actor=personas["liaison_xy"], enterprise=firm, add=True, reason="x")
    regime_change(actor=personas["staff_xy"], enterprise=firm, add=True, reason="食堂对外供餐")
    daily_log_save(actor=personas["firm_xy"], enterprise=firm, day=timezone.localdate(), data=ENTRY)
    regime_change(actor=personas["staff_xy"], enterprise=firm, add=False, reason="停止供餐")
    assert AuditEntry.objects.filter(action__in=["daily.regime_add", "daily.regime_remove"]).count() == 2


def test_livelihood_stays_in_regime(personas, livelihood):
    with pytest.raises(DomainError, match="民生保障"):
        regime_change(actor=personas["staff_xy"], enterprise=livelihood, add=False, reason="x")


def test_evening_alert_records_gaps_and_tells_liaison_and_street(personas, livelihood, xy):
    staff = personas["staff_xy"]  # the street's official, there before the evening
    other = EnterpriseFactory(jurisdiction=xy, category="livelihood")
    today = timezone.localdate()
    daily_log_save(actor=personas["firm_xy"], enterprise=livelihood, day=today, data=ENTRY)
    before = timezone.make_aware(dt.datetime.combine(today, dt.time(19, 59)))
    assert daily_log_alerts_if_due(now=before) == 0
    assert daily_log_alerts_if_due(now=before + dt.timedelta(minutes=2)) == 1
    assert list(DailyLogGap.objects.values_list("enterprise_id", flat=True)) == [other.pk]
    staff_note = Notification.objects.get(user=staff, code="daily_log.missing")
    assert other.name in staff_note.message
    assert not Notification.objects.filter(user=personas["liaison_xy"], code="daily_log.missing").exists()
    assert daily_log_alerts(day=today) == 0  # once a day
    # The liaison's firm misses the next day: the liaison is told too.
    tomorrow = today + dt.timedelta(days=1)
    assert daily_log_alerts(day=tomorrow) == 2
    assert Notification.objects.filter(user=personas["liaison_xy"], code="daily_log.missing").count() == 1


def test_completeness_by_street(personas, livelihood, xy, ds):
    EnterpriseFactory(jurisdiction=xy, category="livelihood")
    EnterpriseFactory(jurisdiction=ds, category="livelihood")
    today = timezone.localdate()
    daily_log_save(actor=personas["firm_xy"], enterprise=livelihood, day=today, data=ENTRY)
    street = completeness(personas["staff_xy"], today)
    assert (street["logged"], street["required"], street["missing_count"]) == (1, 2, 1)
    assert [e.jurisdiction_id for e in street["missing"]] == [xy.pk]
    district = completeness(personas["taskforce"], today)
    assert (district["logged"], district["required"]) == (1, 3)
    assert {r.jurisdiction.pk: (r.logged, r.required) for r in district["streets"]} == {xy.pk: (1, 2), ds.pk: (0, 1)}
    assert completeness(personas["liaison_xy"], today)["required"] == 1
