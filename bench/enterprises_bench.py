"""The enterprise list page against the reference view, at district scale and at ten times it."""

from __future__ import annotations

import io
import time
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from .common import figure, interleaved_medians, median_ms, signed_in_client

DISTRICT_ENTERPRISES = 40_736
CITY_ENTERPRISES = 407_360
PAGE_SIZE = 50
DEEP_PAGE = 500  # reached through keyset tokens: the cursor of row 24,950
# (scenario, demo user, filters): a street official of 向阳街道 filtering on a status, and the task force
# over every enterprise of the district.
SCENARIOS = [
    ("street", "staff_xy", {"status": "reopened"}),
    ("taskforce", "taskforce", {}),
]
# Free text on names and addresses (issue 12): a frequent and a rare two-character term, as the task force.
SEARCHES = [("search_frequent", "taskforce", {"q": "便利"}), ("search_rare", "taskforce", {"q": "华宇"})]
# Goals of the search cases at city scale (× their reference) and of their growth from district scale.
SEARCH_GOALS = {"search_frequent": 20.0, "search_rare": 10.0}
SEARCH_GROWTH_GOAL = 1.5
# The search medians of each measure_list run by suffix ("" at 40,736, "_407k" after the growth step), for
# the search growth figures of the second run.
_search_medians: dict[str, dict[str, float]] = {}
URLCONF = "bench.urls"


def _client(username: str) -> Client:
    return signed_in_client(username)


def _get(client: Client, url: str):
    def call():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} → {response.status_code}")
        return response

    return call


def _reference_call():
    from enterprises.models import Enterprise

    pk = Enterprise.objects.order_by("pk").values_list("pk", flat=True)[Enterprise.objects.count() // 2]
    return _get(Client(), f"/bench/reference/{pk}/")


def reference_ms(repeat: int = 400) -> float:
    """Median time of the reference view (anonymous, one SELECT by primary key, a tiny template)."""
    with override_settings(ROOT_URLCONF=URLCONF):
        return median_ms(_reference_call(), repeat=repeat, warmup=20)


def deep_token(username: str, filters: dict, page: int = DEEP_PAGE) -> tuple[str, int]:
    """The keyset token of page ``page`` (or of the last page when there are fewer), reached by following
    the next tokens from the first page as a user would; returns (token, page reached)."""
    from accounts.models import User
    from accounts.scope import forget_scope
    from enterprises import selectors

    user = User.objects.get(username=username)
    forget_scope(user)
    params = selectors.EnterpriseFilters.from_params(filters)
    names = selectors.org_names()
    token, reached = "", 1
    current = selectors.enterprise_list_page(user, params, names=names)
    while reached < page and current.next_token:
        token = current.next_token
        current = selectors.enterprise_list_page(user, params, after=token, names=names)
        reached += 1
    return token, reached


def list_cases() -> list[tuple[str, str, str, str]]:
    """(figure stem, username, url, note) for the first page and page 500 of each scenario."""
    cases = []
    for name, username, filters in SCENARIOS:
        base = "/enterprises/?" + urlencode(filters)
        cases.append((f"enterprise_list_{name}_first", username, base, ""))
        token, reached = deep_token(username, filters)
        note = f"page {reached}" + ("" if reached == DEEP_PAGE else " (last page: fewer than 500)")
        cases.append((f"enterprise_list_{name}_page500", username, f"{base}&after={token}", note))
    for name, username, filters in SEARCHES:
        cases.append((f"enterprise_{name}", username, "/enterprises/?" + urlencode(filters),
                      f"goal at 407,360: ≤ {SEARCH_GOALS[name]:g}× reference"))
    return cases


def measure_list(*, suffix: str = "", rounds: int = 60) -> tuple[list[dict], dict, float]:
    """Figures for every case plus the worst (enterprise_list{suffix}_ms / _queries / _ratio), and the
    reference view's median measured in the same rounds (taking turns with the list cases, so that the
    ratios compare times taken under the same load of the shared machine)."""
    cases = list_cases()
    clients = {username: _client(username) for _, username, _, _ in cases}
    calls = {stem: _get(clients[username], url) for stem, username, url, _ in cases}
    list_stems = [stem for stem, *_ in cases if stem.startswith("enterprise_list_")]
    search_stems = [stem for stem in calls if stem not in list_stems]
    with override_settings(ROOT_URLCONF=URLCONF):
        medians = interleaved_medians(
            {"reference": _reference_call(), **{s: calls[s] for s in list_stems}},
            rounds=max(1, rounds // 10), warmup=10, block=11,
        )
        # The searches in turns with the reference too, their ratios against this reference (same load).
        search_medians = interleaved_medians(
            {"reference": _reference_call(), **{s: calls[s] for s in search_stems}},
            rounds=max(1, rounds // 10), warmup=5, block=6,
        )
    reference = medians.pop("reference")
    search_reference = search_medians.pop("reference")
    medians.update(search_medians)
    _search_medians[suffix] = {**search_medians, "reference": search_reference}
    queries = {}
    for stem, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            call()
        queries[stem] = len(captured.captured_queries)
    results = []
    for stem, _username, url, note in cases:
        ms = medians[stem]
        search = stem in search_stems
        goal = ("<=", SEARCH_GOALS[stem.removeprefix("enterprise_")]) if search and suffix == "_407k" else None
        ratio = ms / (search_reference if search else reference)
        results.append(figure(f"{stem}{suffix}_ms", round(ms, 3), "ms", note=note))
        results.append(figure(f"{stem}{suffix}_ratio", round(ratio, 2), "× reference", goal=goal,
                              note=(f"its reference {search_reference:.3f} ms; " if search else "") + url[:70]))
        results.append(figure(f"{stem}{suffix}_queries", queries[stem], "queries"))
    if suffix and "" in _search_medians:
        base = _search_medians[""]
        for stem in search_stems:
            results.append(figure(
                f"{stem}_growth", round(medians[stem] / base[stem], 2), "×", goal=("<=", SEARCH_GROWTH_GOAL),
                note=f"{suffix.strip('_')} ÷ 40,736; against each run's reference "
                     f"{(medians[stem] / search_reference) / (base[stem] / base['reference']):.2f}"))
    worst = max(list_stems, key=medians.get)
    worst_ms = medians[worst]
    results[:0] = [
        figure(f"enterprise_list{suffix}_ms", round(worst_ms, 3), "ms", note=f"worst: {worst}"),
        figure(f"enterprise_list{suffix}_ratio", round(worst_ms / reference, 2), "× reference"),
        figure(f"enterprise_list{suffix}_queries", max(queries[s] for s in list_stems), "queries"),
    ]
    return results, {s: medians[s] for s in list_stems}, reference


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def add_enterprises(total: int, *, batch: int = 20_000) -> tuple[int, float]:
    """Add deterministic demo enterprises with PostgreSQL COPY until the registry holds ``total`` enterprises
    (the counter triggers fire once per COPY statement), then VACUUM ANALYZE. Returns (added, seconds)."""
    from enterprises.demo import build_enterprises
    from enterprises.models import Enterprise

    started = time.perf_counter()
    existing = Enterprise.objects.count()
    missing = max(0, total - existing)
    fields = [f for f in Enterprise._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # Serials past every existing demo serial keep credit codes unique.
    start_serial = 60_000_000
    now = timezone.now()
    added = 0
    while added < missing:
        count = min(batch, missing - added)
        enterprises = build_enterprises(count, start_serial=start_serial + added)
        buffer = io.StringIO()
        for enterprise in enterprises:
            enterprise.created_at = enterprise.updated_at = now
            buffer.write("\t".join(_copy_value(getattr(enterprise, f.attname)) for f in fields))
            buffer.write("\n")
        buffer.seek(0)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {Enterprise._meta.db_table} ({columns}) FROM STDIN", buffer)
        added += count
    vacuum_analyze()
    return added, time.perf_counter() - started


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
