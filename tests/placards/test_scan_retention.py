"""The verify page's scan log keeps only daily counts after PLACARD_SCAN_RAW_DAYS (30) days (issue 13
item 5): raw scans older than that are folded into (placard, day, count) and deleted; the scan count a
placard's page shows is unchanged by the fold."""

from __future__ import annotations

import io
import re
import threading
from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from placards.models import PlacardScan, PlacardScanDay
from placards.services.scans import scan_total, scans_fold
from tests.placards.helpers import wait_for

from .helpers import approve

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def local(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() - timedelta(days=day_offset)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 30))


def seed(placard, pattern: dict[tuple[int, int], int]) -> None:
    """``{(days ago, local hour): scans}``."""
    PlacardScan.objects.bulk_create([
        PlacardScan(placard=placard, scanned_at=local(days, hour), network="203.0.113.0/24", user_agent="t")
        for (days, hour), n in pattern.items() for _ in range(n)
    ])


def shown_count(client, placard) -> int:
    text = client.get(reverse("placards:detail", args=[placard.pk])).text
    return int(re.search(r"扫码次数</dt><dd>(\d+) ", text).group(1))


@pytest.fixture
def placards(enterprise_xy, enterprise_ds, personas):
    return approve(enterprise_xy, personas["secretary_xy"]), approve(enterprise_ds, personas["secretary_ds"])


def test_old_scans_become_daily_counts_and_the_totals_do_not_change(placards, client_for):
    one, two = placards
    seed(one, {(45, 0): 3, (45, 23): 2, (40, 12): 4, (31, 9): 1, (29, 9): 5, (0, 8): 2})
    seed(two, {(45, 12): 7, (2, 12): 1})
    client = client_for("secretary_xy")
    before = (shown_count(client, one), scan_total(two))
    assert before == (17, 8)

    out = io.StringIO()
    call_command("scans_fold", stdout=out)
    assert "folded 17 scans" in out.getvalue()

    # Only the last 30 days stay raw; older days are counts per placard and local day (00:30 and 23:30
    # of the same local day are one day, whatever the UTC date).
    assert not PlacardScan.objects.filter(scanned_at__lt=timezone.now() - timedelta(days=30)).exists()
    assert PlacardScan.objects.count() == 8
    days = {(d.placard_id, d.day): d.scans for d in PlacardScanDay.objects.all()}
    today = timezone.localdate()
    assert days == {
        (one.pk, today - timedelta(days=45)): 5, (one.pk, today - timedelta(days=40)): 4,
        (one.pk, today - timedelta(days=31)): 1, (two.pk, today - timedelta(days=45)): 7,
    }
    assert (shown_count(client, one), scan_total(two)) == before  # the totals are unchanged

    # Idempotent; and a later fold adds to a day already counted.
    assert scans_fold() == 0
    seed(one, {(45, 10): 2})
    assert scans_fold() == 2
    assert PlacardScanDay.objects.get(placard=one, day=today - timedelta(days=45)).scans == 7
    assert shown_count(client, one) == before[0] + 2


@pytest.mark.django_db(transaction=True)
def test_two_folds_at_once_count_every_scan_once(placards):
    one, _two = placards
    seed(one, {(days, 12): 50 for days in range(31, 41)})  # 500 old scans over 10 days
    results, errors = [], []

    def run():
        try:
            results.append(scans_fold(batch_size=37))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and sum(results) == 500
    assert sum(PlacardScanDay.objects.filter(placard=one).values_list("scans", flat=True)) == 500
    assert not PlacardScan.objects.exists()


def test_the_fold_runs_daily_on_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["placards-scans-fold"]
    assert entry == {"task": "placards.tasks.scans_fold", "schedule": 24 * 3600.0}
    assert django_settings.PLACARD_SCAN_RAW_DAYS == 30


def test_the_verify_page_still_records_raw_scans(placards):
    one, _two = placards
    r = Client(REMOTE_ADDR="203.0.113.57").get(reverse("placard_verify", args=[one.token]))
    assert r.status_code == 200
    wait_for(lambda: PlacardScan.objects.filter(placard=one).exists(), timeout=30, message="the scan")
    assert scans_fold() == 0 and scan_total(one) == 1
