"""Shared pieces of `make bench`: the bench database, timing, figures and the results table."""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/zhifu_bench"

# figure → (comparison, threshold) for the printed table; figures without a goal are informational.
GOALS: dict[str, tuple[str, float]] = {
    "enterprise_list_ratio": ("<=", 6.0),
    "enterprise_list_queries": ("<=", 8),
    "enterprise_list_407k_ratio": ("<=", 6.0),
    "enterprise_list_407k_queries": ("<=", 8),
    "enterprise_list_growth": ("<=", 1.1),
    "import_ratio": ("<=", 0.5),
    "import_peak_mb": ("<=", 200.0),
    "import_xls_ratio": ("<=", 0.5),
}


def figure(name: str, value, unit: str, *, error: str | None = None, goal: tuple[str, float] | None = None,
           note: str = "") -> dict:
    """One result. ``goal`` and ``note`` only feed the printed table; results.json keeps figure, value,
    unit (and error when the measurement failed)."""
    result = {"figure": name, "value": value, "unit": unit}
    if error:
        result["error"] = error
    if goal:
        result["_goal"] = goal
    if note:
        result["_note"] = note
    return result


def public(results: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in results]


def normalise(returned, module: str) -> list[dict]:
    """Other engineers' modules return a list of {figure, value, unit} (or a dict of them)."""
    if returned is None:
        return [figure(f"{module}_results", None, "", error=f"{module}.run() returned nothing")]
    if isinstance(returned, dict):
        if "figure" in returned:
            returned = [returned]
        else:
            returned = [
                {"figure": k, **v} if isinstance(v, dict) else {"figure": k, "value": v, "unit": ""}
                for k, v in returned.items()
            ]
    out = []
    for item in returned:
        if isinstance(item, dict) and "figure" in item:
            out.append({"value": None, "unit": "", **item})
        else:
            out.append(figure(f"{module}_results", None, "", error=f"unexpected item: {item!r}"[:200]))
    return out


def bench_database_url() -> str:
    """DATABASE_URL (default zhifu_bench on the local server). The bench drops and recreates its
    database, so a name without "bench" in it gets "_bench" appended: never the app's own database."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"make bench measures on PostgreSQL; DATABASE_URL is {parts.scheme}:… "
                         "(unset it to use postgres://postgres@127.0.0.1:5432/zhifu_bench)")
    name = parts.path.lstrip("/")
    if name and "bench" not in name:
        url = urlunsplit(parts._replace(path=f"/{name}_bench"))
    return url


def recreate_database(url: str) -> None:
    """Drop and create the bench database from template0 with C.UTF-8 collation and ctype (so CJK
    characters are letters to PostgreSQL), before Django connects to it."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"DATABASE_URL has no database name: {url}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                ).format(sql.Identifier(name))
            )
    finally:
        conn.close()


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def median_ms(fn: Callable[[], object], *, repeat: int, warmup: int = 5) -> float:
    for _ in range(warmup):
        fn()
    gc.collect()
    return statistics.median(timed(fn) for _ in range(repeat))


def interleaved_medians(cases: dict[str, Callable[[], object]], *, rounds: int, warmup: int = 5,
                        block: int = 1) -> dict[str, float]:
    """Median time of each case, the cases taking turns round by round so that the drift of a shared
    machine's load falls on all of them alike.

    ``block`` > 1: each turn runs a case ``block`` times in a row and drops the first of them. On a
    loaded machine a light request right after a heavy one (another case) pays for the scheduler's
    treatment of the processes that just burnt CPU (measured: the reference view 3× slower right after
    a list request); blocks keep that cross-talk out of the samples."""
    for fn in cases.values():
        for _ in range(warmup):
            fn()
    gc.collect()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            if block > 1:
                fn()
                samples[name].extend(timed(fn) for _ in range(block - 1))
            else:
                samples[name].append(timed(fn))
    return {name: statistics.median(values) for name, values in samples.items()}


def _passes(value, goal) -> bool | None:
    if goal is None or value is None:
        return None
    op, threshold = goal
    return value <= threshold if op == "<=" else value >= threshold


def table(results: list[dict]) -> str:
    rows = [("figure", "value", "unit", "goal", "result")]
    for r in results:
        goal = r.get("_goal") or GOALS.get(r["figure"])
        value = r.get("value")
        shown = "—" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))
        verdict = _passes(value, goal)
        outcome = {True: "PASS", False: "FAIL", None: ""}[verdict]
        if r.get("error"):
            outcome = "ERROR: " + str(r["error"])[:100]
        elif r.get("_note"):
            outcome = (outcome + "  " if outcome else "") + r["_note"]
        rows.append((r["figure"], shown, r.get("unit", ""), f"{goal[0]} {goal[1]:g}" if goal else "", outcome))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row[:4], widths, strict=True)) + "  " + row[4])
        if i == 0:
            lines.append("-" * (sum(widths) + 8 + 6))
    return "\n".join(lines)


def signed_in_client(username: str):
    """A test client signed in as ``username`` as the login leaves it: for a post that needs a second factor
    (issue 13: the task force, the signing posts, the district administrator) after its code too — a
    confirmed authenticator of the user's (made on first use) marks the session verified, as django-otp's
    login does. The bench measures the pages, not the login."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from accounts.roles import needs_two_factor

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    if needs_two_factor(user):
        device = (TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
                  or TOTPDevice.objects.create(user=user, name="bench", confirmed=True))
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def peak_kb_of_this_process() -> int:
    """This process's own peak resident size (``VmHWM``, KiB): it belongs to the address space exec made.
    ``ru_maxrss`` is not: Linux carries it over fork and exec, so a child of a bench runner that had grown
    to 270 MB reported 270 MB whatever the import used."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # (not Linux: the best there is)
