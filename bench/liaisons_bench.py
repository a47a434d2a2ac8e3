"""Daily-log figures for `make bench` (issue 10). ``run()`` returns a list of {"figure", "value", "unit"}.

- daily_completeness_ms / _queries: a street official's completeness page for today (GET /liaisons/daily/)
  with the district's enterprises, 5,000 of them under the daily-log regime and 90 days of their logs,
  median over rounds interleaved with the one-SELECT reference view (daily_completeness_ratio).
- daily_completeness_growth: the same page with 10× the logs (900 days, added in SQL and removed
  afterwards), divided by the first; _growth_vs_reference divides each by its own reference.

Standalone: ``DATABASE_URL=postgres://… python -m bench.liaisons_bench`` on a seeded bench database.
"""

from __future__ import annotations

import time

from .approvals_bench import _client, _interleaved
from .common import figure

GOALS = {"daily_completeness_ratio": ("<=", 6.0), "daily_completeness_queries": ("<=", 8),
         "daily_completeness_growth": ("<=", 1.2)}
URLCONF = "bench.urls"
REGIME = 5_000
DAYS = 90
GROWTH = 10
BENCH_AREAS = "基准消毒区域"


def _figure(name, value, unit, note=""):
    return figure(name, value, unit, goal=GOALS.get(name), note=note)


def regime_ensure(count: int = REGIME) -> int:
    """Exactly ``count`` enterprises under the regime: the livelihood ones, topped up (or trimmed) with
    street-added ones, spread over every street."""
    from django.db import connection

    from enterprises.models import Enterprise
    from liaisons.models import daily_regime_q

    with connection.cursor() as cursor:
        cursor.execute("UPDATE enterprises_enterprise SET daily_log_added = false WHERE daily_log_added")
    have = Enterprise.objects.filter(daily_regime_q()).count()
    if have < count:
        ids = list(Enterprise.objects.exclude(daily_regime_q()).exclude(operating_status__in=("ceased", "closed"))
                   .order_by("?").values_list("pk", flat=True)[:count - have])
        Enterprise.objects.filter(pk__in=ids).update(daily_log_added=True)
    elif have > count:
        extra = list(Enterprise.objects.filter(daily_regime_q()).order_by("-pk").values_list("pk", flat=True)
                     [:have - count])
        Enterprise.objects.filter(pk__in=extra).update(category="general")
    return Enterprise.objects.filter(daily_regime_q()).count()


def add_logs(first_day_back: int, days: int, *, today_share: float = 0.0) -> float:
    """INSERT … SELECT a log for every regime enterprise on each of ``days`` days ending ``first_day_back``
    days ago (and for ``today_share`` of them today)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User

    today = timezone.localdate()  # the page's today (the server's zone, not the database's)
    user = User.objects.filter(role="liaison").order_by("pk").values_list("pk", flat=True).first()
    start = time.perf_counter()
    regime = ("(category = 'livelihood' OR daily_log_added) AND operating_status NOT IN ('ceased', 'closed')")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO liaisons_dailylog (enterprise_id, day, checked_count, anomaly_count, anomaly_action,
                disinfection_times, disinfection_areas, filled_by_id, on_behalf, created_at, updated_at)
            SELECT e.id, %s::date - d, 10, 0, '', 2, %s, %s, true, now(), now()
            FROM enterprises_enterprise e, generate_series(%s, %s) d
            WHERE {regime}
            ON CONFLICT DO NOTHING
        """, [today, BENCH_AREAS, user, first_day_back, first_day_back + days - 1])
        if today_share:
            cursor.execute(f"""
                INSERT INTO liaisons_dailylog (enterprise_id, day, checked_count, anomaly_count, anomaly_action,
                    disinfection_times, disinfection_areas, filled_by_id, on_behalf, created_at, updated_at)
                SELECT e.id, %s::date, 10, 0, '', 2, %s, %s, true, now(), now()
                FROM enterprises_enterprise e WHERE {regime} AND e.id %% 10 < %s
                ON CONFLICT DO NOTHING
            """, [today, BENCH_AREAS, user, int(today_share * 10)])
        cursor.execute("ANALYZE liaisons_dailylog")
    return time.perf_counter() - start


def measure(rounds: int) -> tuple[float, float, int]:
    """(completeness ms, reference ms, queries) for staff_xy's street today."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from enterprises.models import Enterprise

    pk = Enterprise.objects.order_by("pk").values_list("pk", flat=True).first()
    with override_settings(ROOT_URLCONF=URLCONF):
        page_client, reference_client = _client("staff_xy"), Client()

        def page():
            response = page_client.get("/liaisons/daily/")
            if response.status_code != 200 or 'id="completeness"' not in response.content.decode():
                raise RuntimeError(f"completeness → {response.status_code}")

        def reference():
            reference_client.get(f"/bench/reference/{pk}/")

        medians = _interleaved({"page": page, "reference": reference}, rounds=rounds)
        with CaptureQueriesContext(connection) as captured:
            page()
    return medians["page"], medians["reference"], len(captured.captured_queries)


def run(*, rounds: int = 40) -> list[dict]:
    from django.db import connection

    from liaisons.models import DailyLog

    regime = regime_ensure()
    DailyLog.objects.filter(disinfection_areas=BENCH_AREAS).delete()
    seconds = add_logs(1, DAYS, today_share=0.8)
    logs = DailyLog.objects.count()
    ms, reference_ms, queries = measure(rounds)
    results = [
        _figure("daily_completeness_ms", round(ms, 2), "ms",
                note=f"street official, today; {regime:,} firms under the regime, {logs:,} logs ({seconds:.1f} s to add)"),
        _figure("daily_completeness_reference_ms", round(reference_ms, 3), "ms", note="reference view, same rounds"),
        _figure("daily_completeness_ratio", round(ms / reference_ms, 2), "× reference"),
        _figure("daily_completeness_queries", queries, "queries"),
    ]
    try:
        add_logs(DAYS + 1, DAYS * (GROWTH - 1))
        big_logs = DailyLog.objects.count()
        big_ms, big_reference, big_queries = measure(rounds)
        results += [
            _figure("daily_completeness_10x_ms", round(big_ms, 2), "ms", note=f"{big_logs:,} logs"),
            _figure("daily_completeness_10x_queries", big_queries, "queries"),
            _figure("daily_completeness_growth", round(big_ms / ms, 2), "×",
                    note=f"{GROWTH}× the logs ÷ 1×; reference moved {big_reference / reference_ms:.2f}×"),
            _figure("daily_completeness_growth_vs_reference", round((big_ms / big_reference) / (ms / reference_ms), 2),
                    "×", note="the same, each size divided by its own reference"),
        ]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM liaisons_dailylog WHERE disinfection_areas = %s", [BENCH_AREAS])
    return results


if __name__ == "__main__":  # pragma: no cover
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifu_reopen.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("ZHIFU_TESTING", "1")
    django.setup()
    for row in run():
        print(row)
