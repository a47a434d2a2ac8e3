"""Dashboard figures for `make bench` (issue 11). ``run()`` returns a list of {"figure", "value", "unit"}.

- summary_refresh_s: refreshing every summary (the district, each street, each department) at district
  scale: 40,736 firms with 45,000 applications, 150,000 inspections, 5,000 firms under the daily log with
  90 days of logs, and their problems.
- dashboard_ms / dashboard_queries: the task force's dashboard (GET /dashboard/), median over rounds
  interleaved with the one-SELECT reference view (dashboard_ratio).
- dashboard_city_ms, dashboard_growth, summary_refresh_city_s: the same at city scale — ten times the firms
  (407,360, COPY), the applications, the inspections and the logs — and their ratio to district scale.

The extra city rows are removed afterwards (the firms stay, as the list's growth figure leaves them).
"""

from __future__ import annotations

from .approvals_bench import _client, _enterprises, _interleaved, add_applications
from .common import figure

GOALS = {"dashboard_ratio": ("<=", 8.0), "dashboard_queries": ("<=", 12), "dashboard_growth": ("<=", 1.2),
         "summary_refresh_city_s": ("<=", 10.0)}
URLCONF = "bench.urls"
APPLICATIONS = 45_000
GROWTH = 10


def _figure(name, value, unit, note=""):
    return figure(name, value, unit, goal=GOALS.get(name), note=note)


def measure(rounds: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from enterprises.models import Enterprise

    pk = Enterprise.objects.order_by("pk").values_list("pk", flat=True).first()
    with override_settings(ROOT_URLCONF=URLCONF):
        page_client, reference_client = _client("taskforce"), Client()

        def page():
            response = page_client.get("/dashboard/")
            if response.status_code != 200 or 'id="kpi-reopen_rate"' not in response.content.decode():
                raise RuntimeError(f"dashboard → {response.status_code}")

        def reference():
            reference_client.get(f"/bench/reference/{pk}/")

        medians = _interleaved({"page": page, "reference": reference}, rounds=rounds)
        with CaptureQueriesContext(connection) as captured:
            page()
    return medians["page"], medians["reference"], len(captured.captured_queries)


def refresh_seconds() -> float:
    from dashboards.services.summaries import summaries_refresh

    log = summaries_refresh()
    if not log.ok:
        raise RuntimeError(f"summary refresh failed: {log.error}")
    return log.seconds


def run(*, rounds: int = 40, grow_to: int = 407_360) -> list[dict]:
    from django.db import connection

    from accounts.models import User
    from approvals.models import Application
    from inspections.models import Inspection

    from . import enterprises_bench as eb
    from . import inspections_bench as ib
    from . import liaisons_bench as lb

    filed_by = User.objects.get(username="staff_xy").pk
    apps_high = Application.objects.order_by("-id").values_list("id", flat=True).first() or 0
    missing = max(0, APPLICATIONS - Application.objects.count())
    if missing:
        add_applications(missing, serial_start=20_000_000, enterprises=_enterprises(15_000), filed_by=filed_by)
    inspections_high = Inspection.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if Inspection.objects.count() < ib.BASE_INSPECTIONS:
        ib.add_inspections(ib.BASE_INSPECTIONS - Inspection.objects.count())
    lb.regime_ensure()
    lb.add_logs(0, lb.DAYS, today_share=0.8)
    firms = connection.cursor()
    firms.execute("SELECT count(*) FROM enterprises_enterprise")
    base_firms = firms.fetchone()[0]
    results = []
    try:
        refresh = refresh_seconds()
        ms, reference_ms, queries = measure(rounds)
        results += [
            _figure("summary_refresh_s", round(refresh, 2), "s", note=f"{base_firms:,} firms, every scope"),
            _figure("dashboard_ms", round(ms, 2), "ms", note="task force, district"),
            _figure("dashboard_reference_ms", round(reference_ms, 3), "ms", note="reference view, same rounds"),
            _figure("dashboard_ratio", round(ms / reference_ms, 2), "× reference"),
            _figure("dashboard_queries", queries, "queries"),
        ]
        added, seconds = eb.add_enterprises(grow_to)
        add_applications(APPLICATIONS * (GROWTH - 1), serial_start=30_000_000, enterprises=_enterprises(150_000),
                         filed_by=filed_by)
        ib.add_inspections(ib.BASE_INSPECTIONS * (GROWTH - 1))
        lb.regime_ensure(lb.REGIME * GROWTH)  # ten times the firms under the regime, their 90 days of logs
        lb.add_logs(0, lb.DAYS, today_share=0.8)
        eb.vacuum_analyze()
        city_refresh = refresh_seconds()
        big_ms, big_reference, big_queries = measure(rounds)
        results += [
            _figure("summary_refresh_city_s", round(city_refresh, 2), "s",
                    note=f"{grow_to:,} firms ({added:,} added in {seconds:.0f} s), 10× applications, inspections, logs"),
            _figure("dashboard_city_ms", round(big_ms, 2), "ms"),
            _figure("dashboard_city_queries", big_queries, "queries"),
            _figure("dashboard_growth", round(big_ms / ms, 2), "×",
                    note=f"city ÷ district; reference moved {big_reference / reference_ms:.2f}×"),
            _figure("dashboard_growth_vs_reference", round((big_ms / big_reference) / (ms / reference_ms), 2), "×",
                    note="the same, each divided by its own reference"),
        ]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM approvals_application WHERE id > %s", [apps_high])
            cursor.execute("DELETE FROM inspections_inspection WHERE id > %s", [inspections_high])
            cursor.execute("DELETE FROM liaisons_dailylog WHERE disinfection_areas = %s", [lb.BENCH_AREAS])
        refresh_seconds()
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
