"""Approvals figures for `make bench` (issue 3). ``run(applications=45000)`` returns a list of
{"figure", "value", "unit"}.

- queue_ms / queue_queries / queue_ratio: the worst of the 待办 cases (GET /applications/queue/, pages of
  50, green channel first, then livelihood, then deadline; keyset tokens): the task force and a street
  official of 向阳街道 (staff_xy), each on the first page and on a deep page (page 60 or the last), with
  ``applications`` applications in every state; each case timed in turns with the one-SELECT reference
  view (queue_<case>_ms / _ratio / _queries per case).
- queue_growth: the worst case with 10× the applications (added with COPY, removed again afterwards so the
  modules measured later see district scale), divided by the worst at 1×.
- decision_ms: one approval step end to end — the task force's final approval POSTed through the page
  (row lock, transition, decision, audit, enterprise marked reopened, placard issued in the same transaction;
  the placard PDF job is left to the worker, as in production, so its enqueue is stubbed).

Standalone: ``DATABASE_URL=postgres://…/zhifu_approvals_bench python -m bench.approvals_bench [--quick]``
(recreates that database, migrates and seeds it first).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import time
from datetime import timedelta

from .common import signed_in_client

GOALS = {"queue_ratio": ("<=", 6.0), "queue_queries": ("<=", 8), "queue_growth": ("<=", 1.1),
         "queue_10x_ratio": ("<=", 6.0), "queue_10x_queries": ("<=", 8)}
URLCONF = "bench.urls"
# (status, current step, share ‰) — every state of the pipeline.
MIX = [
    ("draft", "", 100), ("submitted", "street", 180), ("in_review", "department", 100),
    ("in_review", "task_force", 100), ("in_review", "signature", 100), ("approved", "", 250),
    ("returned", "", 90), ("rejected", "", 50), ("withdrawn", "", 30),
]
PRIORITY = {"epidemic_supply": 0, "livelihood": 1}


def _figure(name, value, unit, note=""):
    result = {"figure": name, "value": value, "unit": unit}
    if name in GOALS:
        result["_goal"] = GOALS[name]
    if note:
        result["_note"] = note
    return result


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def add_applications(count: int, *, serial_start: int, enterprises: list[tuple], filed_by: int) -> float:
    """COPY ``count`` applications in the MIX of states onto ``enterprises`` (id, jurisdiction, department,
    category, scale); returns seconds."""
    from django.db import connection, transaction
    from django.utils import timezone

    from approvals.models import Application

    started = time.perf_counter()
    fields = [f for f in Application._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    plan = [entry for status, step, share in MIX for entry in [(status, step)] * share]
    now = timezone.now()
    batch = 25_000
    done = 0
    while done < count:
        buffer = io.StringIO()
        for i in range(done, min(count, done + batch)):
            serial = serial_start + i
            status, step = plan[serial % len(plan)]
            enterprise_id, jurisdiction_id, department_id, category, scale = enterprises[serial % len(enterprises)]
            started_at = now - timedelta(minutes=serial % 5000)
            three_party = step in ("department", "task_force") or (scale == "large" and step != "signature")
            row = {
                "enterprise_id": enterprise_id, "number": None if status == "draft" else f"BZ{serial:09d}",
                "status": status, "chain": "three_party" if three_party else "dual_signature",
                "iteration": 0 if status == "draft" else 1 + serial % 2,
                "requested_reopen_on": now.date(), "returning_headcount": 1 + serial % 40, "filed_by_id": filed_by,
                "created_at": started_at, "submitted_at": None if status == "draft" else started_at,
                "decided_at": now if status in ("approved", "rejected", "withdrawn", "returned") else None,
                "approved_at": now if status == "approved" else None,
                "jurisdiction_id": jurisdiction_id, "department_id": department_id, "category": category,
                "priority": PRIORITY.get(category, 2), "current_step": step,
                "step_started_at": started_at if step else None,
                "step_deadline": started_at + timedelta(hours=4 if category == "epidemic_supply" else 72)
                if step else None,
                "reminded_at": None, "escalated_at": None, "masks_qty": 100, "thermometers_qty": 2,
                "disinfectant_litres": 10, "online_work": False, "building_liaison": "",
                "building_liaison_mobile": "", "updated_at": now, "personal_data_purged_at": None,
            }
            buffer.write("\t".join(_copy_value(row[f.attname]) for f in fields))
            buffer.write("\n")
        buffer.seek(0)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {Application._meta.db_table} ({columns}) FROM STDIN", buffer)
        done = min(count, done + batch)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Application._meta.db_table}")
    return time.perf_counter() - started


def _enterprises(limit: int) -> list[tuple]:
    """The bench's enterprises: taken from the top of the id range, so the lowest ids stay free of
    applications for the modules that need enterprises without one."""
    from enterprises.models import Enterprise

    return list(
        Enterprise.objects.order_by("-id").values_list("id", "jurisdiction_id", "department_id", "category", "scale")[
            :limit]
    )


def _client(username: str):
    return signed_in_client(username)


def _get(client, url: str):
    def call():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} → {response.status_code}")
        return response

    return call


def _interleaved(cases: dict, rounds: int, warmup: int = 5) -> dict[str, float]:
    import gc

    for fn in cases.values():
        for _ in range(warmup):
            fn()
    gc.collect()
    samples = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


# (case, demo user): the task force over the district's task-force step, and a street official of 向阳街道
# over its street step; each on the first page and on a deep page reached through the keyset tokens.
QUEUE_SCENARIOS = [("taskforce", "taskforce"), ("street", "staff_xy")]
QUEUE_DEEP_PAGE = 60


def queue_deep_token(username: str, page: int = QUEUE_DEEP_PAGE) -> tuple[str, int]:
    """The ``after`` token of queue page ``page`` (or of the last page when there are fewer), followed from
    the first page as a user would; returns (token, page reached)."""
    from accounts.models import User
    from accounts.scope import forget_scope
    from approvals import selectors

    user = User.objects.get(username=username)
    forget_scope(user)
    token, reached = "", 1
    current = selectors.queue_page(user)
    while reached < page and current.next_token:
        token = current.next_token
        current = selectors.queue_page(user, after=token)
        reached += 1
    return token, reached


def queue_cases() -> list[tuple[str, str, str, str]]:
    """(case, username, url, note) for the first page and a deep page of each queue scenario."""
    from urllib.parse import urlencode

    cases = []
    for name, username in QUEUE_SCENARIOS:
        cases.append((f"{name}_first", username, "/applications/queue/", f"{username}, first page"))
        token, reached = queue_deep_token(username)
        url = "/applications/queue/" + (f"?{urlencode({'after': token})}" if token else "")
        note = f"{username}, page {reached}" + ("" if reached == QUEUE_DEEP_PAGE else " (last page)")
        cases.append((f"{name}_deep", username, url, note))
    return cases


def measure_queue(rounds: int) -> tuple[dict[str, dict], float]:
    """({case: {"ms", "queries", "rows", "note"}}, reference ms): each queue case timed in turns with the
    one-SELECT reference view (in blocks, as the list cases: bench.common.interleaved_medians)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench.common import interleaved_medians
    from enterprises.models import Enterprise

    pk = Enterprise.objects.order_by("pk").values_list("pk", flat=True).first()
    cases = queue_cases()
    clients = {username: _client(username) for _, username, _, _ in cases}
    calls = {name: _get(clients[username], url) for name, username, url, _ in cases}
    with override_settings(ROOT_URLCONF=URLCONF):
        reference = _get(Client(), f"/bench/reference/{pk}/")
        medians = interleaved_medians({"reference": reference, **calls}, rounds=max(1, rounds // 8), warmup=10,
                                      block=11)
        results = {}
        for name, _username, _url, note in cases:
            with CaptureQueriesContext(connection) as captured:
                response = calls[name]()
            results[name] = {"ms": medians[name], "queries": len(captured.captured_queries),
                             "rows": response.content.decode().count('<tr class="deadline-'), "note": note}
    return results, medians["reference"]


def _queue_figures(cases: dict[str, dict], reference_ms: float, suffix: str = "") -> list[dict]:
    out = []
    for name, case in cases.items():
        out += [
            _figure(f"queue{suffix}_{name}_ms", round(case["ms"], 3), "ms", note=f"{case['note']} ({case['rows']} rows)"),
            _figure(f"queue{suffix}_{name}_ratio", round(case["ms"] / reference_ms, 2), "× reference"),
            _figure(f"queue{suffix}_{name}_queries", case["queries"], "queries"),
        ]
    return out


def measure_decision(samples: int) -> float:
    """Median ms of the task force approving one application through the page (final step)."""
    from unittest import mock

    from django.test.utils import override_settings

    from approvals.models import Application

    # One application per firm, none of a firm shut or stopped (an approval for it is refused, 409): the
    # demo's patrols stop some firms, and a firm's second application would meet its first's approval.
    ids, firms = [], set()
    candidates = (
        Application.objects.filter(current_step="task_force", status="in_review")
        .exclude(enterprise__operating_status__in=["closed", "ceased", "unauthorised"])
        .order_by("-id").values_list("id", "enterprise_id")[: samples * 20]
    )
    for pk, enterprise_id in candidates:
        if enterprise_id not in firms and len(ids) < samples:
            firms.add(enterprise_id)
            ids.append(pk)
    client = _client("taskforce")
    times = []
    try:
        import placards.services.issuing  # noqa: F401

        stub = mock.patch("placards.services.issuing.job_enqueue")
    except ImportError:
        stub = contextlib.nullcontext()
    with override_settings(ROOT_URLCONF=URLCONF), stub:
        for pk in ids:
            data = {"outcome": "approve", "opinion": "同意复工。"}
            start = time.perf_counter()
            response = client.post(f"/applications/{pk}/decide/", data)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 302:
                raise RuntimeError(f"decide {pk} → {response.status_code}")
    return statistics.median(times[2:] or times)


def run(applications: int = 45000, scale: int | None = None, *, growth: int = 10, rounds: int = 40,
        decisions: int = 25) -> list[dict]:
    from django.db import connection

    from accounts.models import User
    from approvals.models import Application

    applications = scale or applications
    results = []
    filed_by = User.objects.get(username="staff_xy").pk
    enterprises = _enterprises(min(15_000, max(1, applications // 3)))
    existing = Application.objects.count()
    serial_start = 10_000_000 + existing
    missing = max(0, applications - existing)
    seconds = add_applications(missing, serial_start=serial_start, enterprises=enterprises, filed_by=filed_by) if missing else 0
    base_count = Application.objects.count()
    results.append(_figure("queue_applications", base_count, "applications",
                           note=f"added {missing} in {seconds:.1f} s"))
    cases, reference_ms = measure_queue(rounds)
    worst = max(cases, key=lambda name: cases[name]["ms"])
    queue_ms = cases[worst]["ms"]
    results += [
        _figure("queue_ms", round(queue_ms, 3), "ms", note=f"worst: {worst} ({cases[worst]['note']})"),
        _figure("queue_reference_ms", round(reference_ms, 3), "ms", note="reference view, same rounds"),
        _figure("queue_ratio", round(queue_ms / reference_ms, 2), "× reference"),
        _figure("queue_queries", max(case["queries"] for case in cases.values()), "queries"),
        *_queue_figures(cases, reference_ms),
    ]
    results.append(_figure("decision_ms", round(measure_decision(decisions), 3), "ms",
                           note="task-force final approval POST, placard issued in the transaction"))
    if growth and growth > 1:
        high_water = Application.objects.order_by("-id").values_list("id", flat=True).first() or 0
        extra = base_count * (growth - 1)
        seconds = add_applications(extra, serial_start=serial_start + missing + 1_000_000,
                                   enterprises=_enterprises(min(150_000, max(1, base_count * growth // 3))), filed_by=filed_by)
        big_cases, big_reference = measure_queue(rounds)
        big_worst = max(big_cases, key=lambda name: big_cases[name]["ms"])
        big_ms = big_cases[big_worst]["ms"]
        results += [
            _figure("queue_10x_applications", Application.objects.count(), "applications",
                    note=f"added {extra} in {seconds:.1f} s"),
            _figure("queue_10x_ms", round(big_ms, 3), "ms", note=f"worst: {big_worst}"),
            _figure("queue_10x_reference_ms", round(big_reference, 3), "ms"),
            _figure("queue_10x_ratio", round(big_ms / big_reference, 2), "× reference"),
            _figure("queue_10x_queries", max(case["queries"] for case in big_cases.values()), "queries"),
            *_queue_figures(big_cases, big_reference, "_10x"),
            _figure("queue_growth", round(big_ms / queue_ms, 2), "×",
                    note=f"{growth}× the applications ÷ 1× (worst cases); reference moved {big_reference / reference_ms:.2f}×"),
            _figure("queue_growth_vs_reference", round((big_ms / big_reference) / (queue_ms / reference_ms), 2), "×",
                    note="the same, each size divided by its own reference (less machine noise)"),
        ]
        # Back to district scale for whatever is measured next.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Application._meta.db_table} WHERE id > %s", [high_water])
            cursor.execute(f"VACUUM ANALYZE {Application._meta.db_table}")
    return results


def main() -> None:
    import argparse
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.common import bench_database_url, recreate_database, table

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="4,500 applications, 20 rounds")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--enterprises", type=int, default=20_000)
    args = parser.parse_args()
    url = bench_database_url()
    if not args.keep_db:
        recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ZHIFU_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifu_reopen.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if not args.keep_db:
        call_command("migrate", verbosity=0, interactive=False)
        with open(os.devnull, "w") as devnull:
            call_command("seed_demo", enterprises=args.enterprises, force=True, stdout=devnull)
    results = run(applications=4500 if args.quick else 45000, rounds=20 if args.quick else 40)
    print(table(results))


if __name__ == "__main__":
    main()
