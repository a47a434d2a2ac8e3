"""Patrol figures for `make bench` (issue 9). ``run()`` returns a list of {"figure", "value", "unit"}.

- due_list_ms / due_list_queries: a district team member's due list (GET /inspections/due/, first page of
  25) with the district's enterprises and 150,000 inspections, median over rounds interleaved with the
  one-SELECT reference view (due_list_ratio = due list ÷ reference).
- due_list_growth: the same page with 1,500,000 inspections (the extra ones added in SQL and removed
  afterwards), divided by the first; due_list_growth_vs_reference divides each size by its own reference.
- due_build_s / due_build_1500k_s: building every team's list (the morning task) at both sizes.
- inspection_post_ms: recording an inspection through the page — 12 answers, 2 of them failed with a
  photo each (2 findings, 2 rectification orders), end to end (checks, photos stored with thumbnails,
  audit); inspection_post_ratio = that ÷ the reference.

Standalone: ``DATABASE_URL=postgres://… python -m bench.inspections_bench`` on a seeded bench database.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import time

GOALS = {"due_list_ratio": ("<=", 6.0), "due_list_queries": ("<=", 8), "due_list_growth": ("<=", 1.2),
         "inspection_post_ratio": ("<=", 40.0)}
URLCONF = "bench.urls"
from .approvals_bench import _client, _interleaved  # noqa: E402 (the same signed-in client and turns)
from .common import figure  # noqa: E402

BASE_INSPECTIONS = 150_000
GROWTH = 10
BENCH_NOTE = "基准巡查"


def _figure(name, value, unit, note=""):
    return figure(name, value, unit, goal=GOALS.get(name), note=note)


def add_inspections(count: int) -> float:
    """INSERT … SELECT ``count`` inspections spread over the reopened enterprises and the last 60 days."""
    from django.db import connection, transaction

    from accounts.models import User
    from org.models import PatrolTeam

    team = PatrolTeam.objects.filter(jurisdiction__isnull=True).order_by("pk").first()
    user = User.objects.filter(role="inspector").order_by("pk").first()
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("""
            WITH e AS (SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n
                       FROM enterprises_enterprise WHERE operating_status = 'reopened')
            INSERT INTO inspections_inspection
                (enterprise_id, team_id, kind, recorded_by_id, started_at, ended_at, notes, created_at)
            SELECT e.ids[((g %% e.n) + 1)::int], %s, 'routine', %s,
                   now() - (g %% 60) * interval '1 day' - (g %% 9) * interval '1 hour',
                   now() - (g %% 60) * interval '1 day', %s, now()
            FROM e, generate_series(0, %s - 1) g
        """, [team.pk, user.pk, BENCH_NOTE, count])
        cursor.execute("ANALYZE inspections_inspection")
    return time.perf_counter() - start


def measure_due(rounds: int) -> tuple[float, float, int, float]:
    """(due list ms, reference ms, queries, build s) for inspector_d1's district team."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from enterprises.models import Enterprise
    from inspections.services.due import due_lists_build

    start = time.perf_counter()
    due_lists_build()
    build = time.perf_counter() - start
    pk = Enterprise.objects.order_by("pk").values_list("pk", flat=True).first()
    with override_settings(ROOT_URLCONF=URLCONF):
        due_client, reference_client = _client("inspector_d1"), Client()

        def due():
            response = due_client.get("/inspections/due/")
            if response.status_code != 200 or "due-card" not in response.content.decode():
                raise RuntimeError(f"due list → {response.status_code}")

        def reference():
            reference_client.get(f"/bench/reference/{pk}/")

        medians = _interleaved({"due": due, "reference": reference}, rounds=rounds)
        with CaptureQueriesContext(connection) as captured:
            due()
    return medians["due"], medians["reference"], len(captured.captured_queries), build


def _jpeg(seed: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1280, 960), (seed * 37 % 255, 90, 160)).save(out, "JPEG", quality=85)
    return out.getvalue()


def measure_post(samples: int) -> float:
    """Median ms of recording one inspection (12 answers, 2 failed with a photo each) through the page."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.utils import override_settings
    from django.utils import timezone

    from enterprises.models import Enterprise
    from inspections.services.checklists import checklist_for

    targets = list(Enterprise.objects.filter(operating_status="reopened", jurisdiction__code="370602001",
                                             scale="small", category="general").order_by("pk")[:samples])
    client = _client("inspector_xy")
    times = []
    with override_settings(ROOT_URLCONF=URLCONF):
        for n, enterprise in enumerate(targets):
            items = list(checklist_for(enterprise, "routine").items.all())
            now = timezone.localtime()
            data = {"enterprise": enterprise.pk, "notes": BENCH_NOTE,
                    "started_at": (now - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
                    "ended_at": now.strftime("%Y-%m-%dT%H:%M")}
            for i, item in enumerate(items):
                failed = i in (3, 4)
                data[f"answer-{item.pk}"] = "no" if failed else "yes"
                if failed:
                    data[f"note-{item.pk}"] = "基准：现场发现问题"
                    data[f"action-{item.pk}"] = "rectify"
                    data[f"photo-{item.pk}"] = SimpleUploadedFile(f"p{n}{i}.jpg", _jpeg(n * 10 + i), "image/jpeg")
            start = time.perf_counter()
            response = client.post("/inspections/new/", data)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 302:
                raise RuntimeError(f"inspection post → {response.status_code}: {response.content[:300]!r}")
    return statistics.median(times[2:] or times)


def run(*, rounds: int = 40, posts: int = 15) -> list[dict]:
    from django.db import connection

    from inspections.models import Inspection

    results = []
    have = Inspection.objects.count()
    if have < BASE_INSPECTIONS:
        add_inspections(BASE_INSPECTIONS - have)
    due_ms, reference_ms, queries, build = measure_due(rounds)
    results += [
        _figure("due_list_ms", round(due_ms, 2), "ms", note=f"district team, {BASE_INSPECTIONS:,} inspections"),
        _figure("due_list_reference_ms", round(reference_ms, 3), "ms", note="reference view, same rounds"),
        _figure("due_list_ratio", round(due_ms / reference_ms, 2), "× reference"),
        _figure("due_list_queries", queries, "queries"),
        _figure("due_build_s", round(build, 2), "s", note="every team's list"),
    ]
    post_ms = measure_post(posts)
    results += [_figure("inspection_post_ms", round(post_ms, 1), "ms", note="12 answers, 2 findings, 2 photos"),
                _figure("inspection_post_ratio", round(post_ms / reference_ms, 1), "× reference",
                        note="the due list's reference")]
    added = BASE_INSPECTIONS * (GROWTH - 1)
    add_inspections(added)
    try:
        big_ms, big_reference, big_queries, big_build = measure_due(rounds)
        growth = big_ms / due_ms
        results += [
            _figure("due_list_1500k_ms", round(big_ms, 2), "ms", note=f"{BASE_INSPECTIONS * GROWTH:,} inspections"),
            _figure("due_list_1500k_queries", big_queries, "queries"),
            _figure("due_list_growth", round(growth, 2), "×",
                    note=f"{GROWTH}× the inspections ÷ 1×; reference moved {big_reference / reference_ms:.2f}×"),
            _figure("due_list_growth_vs_reference", round((big_ms / big_reference) / (due_ms / reference_ms), 2), "×",
                    note="the same, each size divided by its own reference"),
            _figure("due_build_1500k_s", round(big_build, 2), "s"),
        ]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM inspections_inspection WHERE id IN (SELECT id FROM inspections_inspection "
                           "WHERE notes = %s ORDER BY id DESC LIMIT %s)", [BENCH_NOTE, added])
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
