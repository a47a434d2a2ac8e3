"""`make loadtest` (issue 13, item 9): Locust headless against gunicorn (2 workers), PostgreSQL, Redis and a
Celery worker on this machine; writes bench/load.json and prints a short table.

    python -m bench.loadtest [--steps 4,8,16,32,48] [--step-seconds 30] [--verify-users 16] [--verify-seconds 30]
                             [--enterprises 40736] [--keep-db] [--soak 2h] [--output bench/load.json]

- The database: LOAD_DATABASE_URL, else DATABASE_URL (default postgres://postgres@127.0.0.1:5432/zhifu_load_bench);
  a name without "bench" gets "_bench" appended (bench/common.py), because this command DROPS and
  recreates it, migrates it and seeds it: seed_demo at district scale (40,736 firms), then the approvals
  bench's COPY of applications in every state (bench/approvals_bench.py), then the load's own users (street
  officials and department reviewers: roles that will not need a second factor) and the plan of what
  each user works on (bench/locustfile.py).
- The servers: gunicorn with 2 sync workers and one Celery worker (concurrency 1), started here with
  DEBUG=0 and the verify page's per-address limit off (PLACARD_VERIFY_RATE_LIMIT=0: every scan comes from
  127.0.0.1), against REDIS_URL (default redis://127.0.0.1:6379/0). Stopped at the end, by pid.
- Locust: one process (no --processes), FastHttpUser (geventhttpclient: a fraction of the CPU of the
  requests-based client), on the same 2 cores as the servers. Its CPU time and the servers' are reported,
  and so is the load average: on a shared machine the figures are pessimistic.
- The figures: per phase and request type, requests/s, p50/p95/p99 and errors; the knee (the first staff
  step whose p95 over all staff requests is at least twice the lightest step's); the goals (reads p95
  <= 300 ms and writes p95 <= 600 ms at >= 30 requests/s without errors; verify >= 300 requests/s with p95
  <= 100 ms) reported as pass/fail, never asserted; the RSS of the gunicorn and Celery workers sampled
  throughout (the soak reports its growth over the last hour).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = Path(__file__).resolve().parent / "load.json"
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/zhifu_load_bench"
PASSWORD = "load-test-2026"  # nosec B105: the load test's own throwaway users, in its own database
READS = ("firm list", "firm page", "search", "approvals queue", "application page", "export")
WRITES = ("decision", "material upload", "placard print")
STAFF_TYPES = READS + WRITES
GOALS = {"read_p95_ms": 300, "write_p95_ms": 600, "staff_rps": 30, "verify_rps": 300, "verify_p95_ms": 100,
         "soak_growth": 0.10}
SEARCH_TERMS = ["食品", "科技", "烟台", "商贸", "餐饮", "超市", "机械", "物流"]


def duration(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"a duration like 90s, 30m or 2h, not {text!r}")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def database_url() -> str:
    url = os.environ.get("LOAD_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"make loadtest runs on PostgreSQL; the database URL is {parts.scheme}:…")
    name = parts.path.lstrip("/")
    if name and "bench" not in name:
        url = urlunsplit(parts._replace(path=f"/{name}_bench"))
    return url


# --- the database ------------------------------------------------------------------------------------

def prepare(url: str, *, enterprises: int, applications: int, recreate: bool, seed: str, staff: int) -> dict:
    """Recreate and migrate (``recreate``), seed (``seed``: "demo" = seed_demo at the given scale, "quick" =
    the organisation, the demo users, the firms, the COPYed applications and their placards only, for
    the harness check; "none"), create the load users, return the plan."""
    from bench.common import recreate_database

    if recreate:
        if "bench" not in urlsplit(url).path:
            raise SystemExit(f"refusing to drop a database whose name lacks 'bench': {url}")
        recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifu_reopen.settings")
    # Seeding without the broker: its tasks (the demo placards' PDFs) run inline, none is left queued
    # for the load's worker, and a seed never touches Redis (the servers get REDIS_URL back).
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User

    t0 = time.perf_counter()
    if recreate:
        call_command("migrate", verbosity=0, interactive=False)
    if seed != "none" and not User.objects.filter(username__startswith="load_").exists():
        from bench import approvals_bench

        if seed == "demo":
            with open(os.devnull, "w") as devnull:
                call_command("seed_demo", enterprises=enterprises, force=True, stdout=devnull)
        else:
            from accounts.demo import ensure_users
            from enterprises.demo import seed_registry
            from org.seed import org_ensure

            org_ensure()
            users = ensure_users()
            seed_registry(enterprises, surveyor=users["staff_xy"], liaison=users["liaison_xy"])
        filer = User.objects.get(username="staff_xy").pk
        firms = approvals_bench._enterprises(min(15_000, max(1, applications // 3)))
        approvals_bench.add_applications(applications, serial_start=20_000_000, enterprises=firms, filed_by=filer)
        if seed == "quick":  # placards for 30 of the approved applications (as placards.demo does)
            from django.db import transaction

            from approvals.models import Application
            from placards.services import placard_issue

            for application in Application.objects.filter(status="approved", placard__isnull=True).order_by("id")[:30]:
                with transaction.atomic():
                    placard_issue(application=application, actor=None)
        _users(staff)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"· seeded ({seed}) {enterprises} firms, {applications} applications in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
    elif not User.objects.filter(username__startswith="load_").exists():
        _users(staff)
    return _plan()


def _users(staff: int) -> None:
    """Street officials of both demo streets and reviewers of both demo departments, ``staff`` of each."""
    from accounts.models import Role, User
    from accounts.services import user_create
    from org.models import Department, Jurisdiction

    streets = {j.code: j for j in Jurisdiction.objects.filter(code__in=["370602001", "370602002"])}
    departments = {d.code: d for d in Department.objects.filter(code__in=["gxj", "swj"])}
    for i in range(1, staff + 1):
        for code, street in streets.items():
            name = f"load_street_{code}_{i}"
            if not User.objects.filter(username=name).exists():
                user_create(username=name, password=PASSWORD, role=Role.STREET_STAFF, full_name=f"压测街道 {i}",
                            jurisdictions=[street])
        for code, department in departments.items():
            name = f"load_dept_{code}_{i}"
            if not User.objects.filter(username=name).exists():
                user_create(username=name, password=PASSWORD, role=Role.DEPARTMENT_REVIEWER,
                            full_name=f"压测部门 {i}", departments=[department])


def _plan() -> dict:
    """What the users work on, by street id (street officials) or department id (reviewers): read from
    the seeded data, each pool of decisions taken by one kind of user only."""
    from accounts.models import User
    from approvals.models import Application
    from enterprises.models import Enterprise
    from org.models import Jurisdiction
    from placards.models import Placard

    streets = dict(Jurisdiction.objects.filter(code__in=["370602001", "370602002"]).values_list("code", "id"))
    users = {"street": [], "department": []}
    user_street: dict[str, str] = {}
    for username in User.objects.filter(username__startswith="load_").order_by("username").values_list(
            "username", flat=True):
        kind = "street" if username.startswith("load_street_") else "department"
        users[kind].append(username)
        # load_street_<street code>_<n>: the street's id
        user_street[username] = str(streets[username.split("_")[2]]) if kind == "street" else ""
    from org.models import Department

    departments = dict(Department.objects.filter(code__in=["gxj", "swj"]).values_list("code", "id"))
    for username in users["department"]:  # load_dept_<department code>_<n>: "d<department id>"
        user_street[username] = f"d{departments[username.split('_')[2]]}"
    street_ids = sorted({s for s in user_street.values() if s and not s.startswith("d")})
    department_ids = sorted({s[1:] for s in user_street.values() if s.startswith("d")})
    live = Enterprise.objects.exclude(operating_status__in=["closed", "ceased", "unauthorised"])

    def by_street(qs, field="jurisdiction_id", limit=400) -> dict[str, list[int]]:
        return {s: list(qs.filter(**{field: int(s)}).order_by("-id").values_list("id", flat=True)[:limit])
                for s in street_ids}

    apps = Application.objects.all()
    # Decisions: street officials return submitted applications at the street step (approving needs
    # accepted materials); reviewers approve at the department step. One application per firm.
    street_pool = {}
    for s in street_ids:
        seen, ids = set(), []
        for pk, firm in (apps.filter(status="submitted", current_step="street", jurisdiction_id=int(s),
                                     enterprise__in=live).order_by("-id").values_list("id", "enterprise_id")[:20000]):
            if firm not in seen:
                seen.add(firm)
                ids.append(pk)
        street_pool[s] = ids
    dept_pool, dept_apps, dept_firms = {}, {}, {}
    for d in department_ids:
        seen, ids = set(), []
        waiting = apps.filter(status="in_review", current_step="department", department_id=int(d))
        for pk, firm in waiting.filter(enterprise__in=live).order_by("-id").values_list("id", "enterprise_id")[:20000]:
            if firm not in seen:
                seen.add(firm)
                ids.append(pk)
        dept_pool[f"d{d}"] = ids
        dept_apps[f"d{d}"] = list(waiting.order_by("id").values_list("id", flat=True)[:400])
        dept_firms[f"d{d}"] = list(live.filter(department_id=int(d)).order_by("-id").values_list("id", flat=True)[:400])
    placards = Placard.objects.exclude(status="revoked")
    return {
        "password": PASSWORD,
        "users": users,
        "user_street": user_street,
        "firms": {**by_street(live), **dept_firms},
        "applications": {**by_street(apps.exclude(status="draft")), **dept_apps},
        "drafts": by_street(apps.filter(status="draft", enterprise__in=live), limit=200),
        "decide": {**street_pool, **dept_pool},
        "decision_outcome": {"street": "return", "department": "approve"},
        "placards": by_street(placards, field="enterprise__jurisdiction_id", limit=200),
        "tokens": list(placards.order_by("id").values_list("token", flat=True)[:500]),
        "search_terms": SEARCH_TERMS,
    }


# --- the servers ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # nosec B310: our own loopback server
                if response.status == 200:
                    return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def start(name: str, argv: list[str], env: dict, log: Path) -> subprocess.Popen:
    out = open(log, "wb")  # noqa: SIM115 (kept open for the child's life)
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


class Sampler:
    """Load average, RSS of the gunicorn and Celery workers, CPU seconds of each side."""

    def __init__(self, servers: dict[str, subprocess.Popen]):
        import psutil

        self.psutil = psutil
        self.servers = servers
        self.samples: list[dict] = []

    def tree(self, proc: subprocess.Popen) -> list:
        try:
            parent = self.psutil.Process(proc.pid)
            return [parent, *parent.children(recursive=True)]
        except self.psutil.Error:
            return []

    def cpu_seconds(self, proc: subprocess.Popen) -> float:
        total = 0.0
        for p in self.tree(proc):
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except self.psutil.Error:
                pass
        return total

    def sample(self, t: float) -> None:
        rss = {}
        for name, proc in self.servers.items():
            if name == "locust":
                continue
            workers = self.tree(proc)[1:] or self.tree(proc)  # gunicorn/celery: the children do the work
            total = 0
            for p in workers:
                with contextlib.suppress(self.psutil.Error):
                    total += p.memory_info().rss
            rss[name] = round(total / 2**20, 1)
        self.samples.append({"t": round(t, 1), "load1": round(os.getloadavg()[0], 2), "rss_mb": rss})


# --- the figures ---------------------------------------------------------------------------------------

def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[k], 1)


def summarise(raw: dict) -> list[dict]:
    phases = []
    for phase in raw["phases"]:
        seconds = max(phase.get("seconds") or 0, 0.001)
        samples = raw["samples"].get(phase["name"], {})
        types = {}
        for name, entry in sorted(samples.items()):
            ms = entry["ms"]
            types[name] = {"requests": len(ms), "rps": round(len(ms) / seconds, 2), "p50_ms": pct(ms, 50),
                           "p95_ms": pct(ms, 95), "p99_ms": pct(ms, 99), "errors": entry["errors"],
                           **({"error_examples": entry["messages"]} if entry["messages"] else {})}

        def group(names, samples=samples, seconds=seconds):
            ms = [v for n in names for v in samples.get(n, {}).get("ms", [])]
            errors = sum(samples.get(n, {}).get("errors", 0) for n in names)
            return {"requests": len(ms), "rps": round(len(ms) / seconds, 2), "p95_ms": pct(ms, 95), "errors": errors}

        phases.append({"phase": phase["name"], "seconds": round(seconds, 1), "types": types,
                       "reads": group(READS), "writes": group(WRITES), "staff": group(STAFF_TYPES),
                       "verify": group(("verify",))})
    return phases


def verdicts(phases: list[dict], memory: dict | None) -> dict:
    staff = [p for p in phases if p["phase"].startswith(("staff-", "soak-"))]
    verify = [p for p in phases if p["phase"].startswith(("verify-", "soak-"))]
    knee = None
    if staff:
        base = staff[0]["staff"]["p95_ms"]
        for p in staff[1:]:
            if base and p["staff"]["p95_ms"] and p["staff"]["p95_ms"] >= 2 * base:
                knee = {"phase": p["phase"], "staff_rps": p["staff"]["rps"], "p95_ms": p["staff"]["p95_ms"],
                        "lightest_p95_ms": base}
                break

    def staff_ok(p):
        return (p["staff"]["rps"] >= GOALS["staff_rps"] and p["staff"]["errors"] == 0
                and (p["reads"]["p95_ms"] or 0) <= GOALS["read_p95_ms"]
                and (p["writes"]["p95_ms"] or 0) <= GOALS["write_p95_ms"])

    def verify_ok(p):
        v = p["verify"]
        return v["rps"] >= GOALS["verify_rps"] and v["errors"] == 0 and (v["p95_ms"] or 1e9) <= GOALS["verify_p95_ms"]

    best_staff = max(staff, key=lambda p: p["staff"]["rps"], default=None)
    best_verify = max(verify, key=lambda p: p["verify"]["rps"], default=None)
    result = {
        "knee": knee or {"phase": None, "note": "p95 never doubled over the steps run"},
        "staff_goal": {"goal": "reads p95 <= 300 ms, writes p95 <= 600 ms at >= 30 requests/s, no errors",
                       "pass": any(staff_ok(p) for p in staff),
                       "passing_phases": [p["phase"] for p in staff if staff_ok(p)],
                       "best_rps": best_staff and best_staff["staff"]["rps"]},
        "verify_goal": {"goal": ">= 300 requests/s with p95 <= 100 ms, no errors",
                        "pass": any(verify_ok(p) for p in verify),
                        "best_rps": best_verify and best_verify["verify"]["rps"],
                        "p95_ms": best_verify and best_verify["verify"]["p95_ms"]},
        "errors_total": sum(p["staff"]["errors"] + p["verify"]["errors"] for p in phases),
    }
    if memory is not None:
        result["soak_goal"] = {"goal": "worker memory grows < 10 % in the last hour", **memory}
    return result


def memory_growth(samples: list[dict], window: float = 3600) -> dict:
    """Growth of the summed worker RSS over the last ``window`` seconds of samples (whole run if shorter)."""
    if len(samples) < 2:
        return {"growth": None, "pass": None}
    end = samples[-1]["t"]
    start = min(samples, key=lambda s: abs(s["t"] - (end - window)))

    def total(s):
        return sum(s["rss_mb"].values())

    growth = (total(samples[-1]) - total(start)) / total(start) if total(start) else None
    return {"window_s": round(end - start["t"], 1), "rss_start_mb": round(total(start), 1),
            "rss_end_mb": round(total(samples[-1]), 1), "growth": None if growth is None else round(growth, 4),
            "pass": None if growth is None else growth < GOALS["soak_growth"],
            "note": "" if end - start["t"] >= window * 0.99 else "the run was shorter than the window"}


def table(report: dict) -> str:
    lines = [f"{'phase':<14}{'type':<18}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>8}"]
    for phase in report["phases"]:
        for name, t in phase["types"].items():
            lines.append(f"{phase['phase']:<14}{name:<18}{t['rps']:>8}{t['p50_ms'] or '—':>8}{t['p95_ms'] or '—':>8}"
                         f"{t['p99_ms'] or '—':>8}{t['errors']:>8}")
        for group in ("reads", "writes", "verify"):
            g = phase[group]
            if g["requests"]:
                lines.append(f"{phase['phase']:<14}{'= ' + group:<18}{g['rps']:>8}{'':>8}{g['p95_ms'] or '—':>8}"
                             f"{'':>8}{g['errors']:>8}")
    v = report["verdicts"]
    knee = v["knee"]
    lines.append("")
    lines.append(f"knee: {knee['phase'] or 'not reached'}"
                 + (f" ({knee['staff_rps']} req/s, p95 {knee['p95_ms']} ms vs {knee['lightest_p95_ms']} ms)"
                    if knee.get("phase") else ""))
    lines.append(f"staff goal ({v['staff_goal']['goal']}): {'PASS' if v['staff_goal']['pass'] else 'FAIL'}"
                 f" — best {v['staff_goal']['best_rps']} req/s")
    lines.append(f"verify goal ({v['verify_goal']['goal']}): {'PASS' if v['verify_goal']['pass'] else 'FAIL'}"
                 f" — best {v['verify_goal']['best_rps']} req/s, p95 {v['verify_goal']['p95_ms']} ms")
    if "soak_goal" in v:
        s = v["soak_goal"]
        lines.append(f"soak ({s['goal']}): growth {s.get('growth')} → {s.get('pass')}")
    m = report["machine"]
    lines.append(f"machine: {m['cpus']} CPUs, load average {m['load_before']} before, mean {m['load_mean']} during; "
                 f"CPU s: servers {report['cpu_seconds']['servers']}, locust {report['cpu_seconds']['locust']}")
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", default="4,8,16,32,48", help="staff users per step (comma list)")
    parser.add_argument("--step-seconds", type=duration, default=30.0)
    parser.add_argument("--verify-users", type=int, default=16)
    parser.add_argument("--verify-seconds", type=duration, default=30.0)
    parser.add_argument("--soak", type=duration, default=0.0, help="soak instead of steps: e.g. 2h")
    parser.add_argument("--soak-users", type=int, default=16)
    parser.add_argument("--enterprises", type=int, default=40_736)
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--staff-accounts", type=int, default=20, help="load users of each street / department")
    parser.add_argument("--keep-db", action="store_true", help="reuse the seeded database as it is")
    parser.add_argument("--database-url", default="", help="use this database as it is (no drop, no migrate)")
    parser.add_argument("--tour", action="store_true",
                        help="each staff user first makes every request type once (the harness check)")
    parser.add_argument("--quick-seed", action="store_true",
                        help="seed only firms, applications and placards (the harness check of the tests)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    url = args.database_url or database_url()
    recreate = not (args.keep_db or args.database_url)
    started = time.perf_counter()
    load_before = os.getloadavg()
    print(f"· database {url.rsplit('/', 1)[-1]} ({'recreated' if recreate else 'as it is'}) …", flush=True)
    plan = prepare(url, enterprises=args.enterprises, applications=args.applications, recreate=recreate,
                   seed="quick" if args.quick_seed else ("demo" if recreate else "none"),
                   staff=args.staff_accounts)
    for key in ("firms", "drafts", "decide", "placards"):
        print(f"  {key}: " + ", ".join(f"{k}={len(v)}" for k, v in plan[key].items()), flush=True)
    print(f"  tokens={len(plan['tokens'])}", flush=True)

    work = Path(tempfile.mkdtemp(prefix="zhifu-load-"))
    plan_path = work / "plan.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    port = free_port()
    # The servers run with production settings (not ZHIFU_TESTING: e.g. the verify page's scan buffer of 50).
    env = {k: v for k, v in os.environ.items() if k != "ZHIFU_TESTING"}
    # The verify page's limits off: every scan comes from 127.0.0.1 (the per-address limit), and the flood
    # measures what the page serves, not the global ceiling (600/s by default: above it the page answers a
    # cheap 429, which a first run counted as errors).
    env = {**env, "DATABASE_URL": url, "DEBUG": "0", "PLACARD_VERIFY_RATE_LIMIT": "0",
           "PLACARD_VERIFY_GLOBAL_LIMIT": "0",
           "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
           # Production needs an SMTP host (only the beat's reminders send mail: none in this run) and the
           # personal-data keys (development keys here: the load's rosters are its own).
           "EMAIL_HOST": os.environ.get("EMAIL_HOST") or "127.0.0.1",
           "PII_KEYS": os.environ.get("PII_KEYS") or "emhpZnUtZGV2LXBpaS1rZXktbm90LWZvci1wcm9kISE=",
           "PII_INDEX_KEY": os.environ.get("PII_INDEX_KEY") or "load-test-index-key",
           "REDIS_URL": redis_url,
           "MEDIA_ROOT": str(work / "media")}
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    servers: dict[str, subprocess.Popen] = {}
    raw_path = work / "raw.json"
    try:
        servers["gunicorn"] = start("gunicorn", [str(BIN / "gunicorn"), "zhifu_reopen.wsgi", "--workers", "2",
                                                 "--bind", f"127.0.0.1:{port}", "--timeout", "60"],
                                    env, work / "gunicorn.log")
        servers["celery"] = start("celery", [str(BIN / "celery"), "-A", "zhifu_reopen", "worker", "-c", "1",
                                             "-l", "warning"], env, work / "celery.log")
        wait_http(f"http://127.0.0.1:{port}/accounts/login/", 120, servers["gunicorn"])
        print(f"· gunicorn (2 workers) on :{port}, Celery worker; logs in {work}", flush=True)
        steps = [int(s) for s in args.steps.split(",") if s.strip()]
        locust_env = {**env, "LOAD_PLAN": str(plan_path), "LOAD_RAW": str(raw_path), "LOAD_STEPS": args.steps,
                      "LOAD_STEP_SECONDS": str(args.step_seconds), "LOAD_VERIFY_USERS": str(args.verify_users),
                      "LOAD_VERIFY_SECONDS": str(args.verify_seconds), "LOAD_SOAK_SECONDS": str(args.soak),
                      "LOAD_SOAK_USERS": str(args.soak_users), "LOAD_TOUR": "1" if args.tour else "0",
                      "LOAD_WARMUP_SECONDS": str(min(3.0, args.step_seconds / 5))}
        # Each phase runs its seconds once its users are up, after a ramp of at most 180 s (locustfile).
        planned = (args.soak or len(steps) * args.step_seconds + args.verify_seconds) + 180 * (len(steps) + 1)
        print(f"· locust: {'soak ' + str(args.soak) + ' s' if args.soak else f'steps {steps} × {args.step_seconds:g} s, verify {args.verify_users} users × {args.verify_seconds:g} s'} …", flush=True)
        sampler = Sampler(servers)
        cpu_before = {n: sampler.cpu_seconds(p) for n, p in servers.items()}
        t0 = time.monotonic()
        every = 30.0 if args.soak else 2.0
        runs = ([("soak", ["StreetStaff", "DepartmentReviewer", "VerifyUser"])] if args.soak else
                [("staff", ["StreetStaff", "DepartmentReviewer"]), ("verify", ["VerifyUser"])])
        raw = {"phases": [], "samples": {}}
        for mode, classes in runs:
            # One locust process per mode, on the same cores as the servers (see the module's docstring).
            servers["locust"] = start("locust", [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                                                 "--headless", "--host", f"http://127.0.0.1:{port}",
                                                 "--only-summary", "--loglevel", "WARNING",
                                                 "--exit-code-on-error", "0", *classes],
                                      {**locust_env, "LOAD_MODE": mode}, work / f"locust-{mode}.log")
            begun = time.monotonic()
            while servers["locust"].poll() is None:
                sampler.sample(time.monotonic() - t0)
                if time.monotonic() - begun > planned:
                    print("locust overran its plan: stopping it", file=sys.stderr)
                    servers["locust"].send_signal(signal.SIGINT)
                    servers["locust"].wait(30)
                    break
                time.sleep(every)
            if raw_path.exists():
                part = json.loads(raw_path.read_text())
                raw["phases"] += part["phases"]
                raw["samples"].update(part["samples"])
                raw_path.unlink()
            else:
                print((work / f"locust-{mode}.log").read_text(errors="replace")[-3000:], file=sys.stderr)
        cpu = {n: round(sampler.cpu_seconds(p) - cpu_before.get(n, 0), 1) for n, p in servers.items()
               if n != "locust"}
        locust_cpu = None
        try:  # the exited child's CPU: from the process accounting of this one
            import resource

            locust_cpu = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
                               + resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime, 1)
        except Exception:  # nosec B110: the figure is informational
            pass
    finally:
        for name in ("locust", "gunicorn", "celery"):
            stop(servers.get(name))
    if not raw["phases"]:
        raise SystemExit("locust wrote no samples")
    phases = summarise(raw)
    loads = [s["load1"] for s in sampler.samples] or [os.getloadavg()[0]]
    memory = memory_growth(sampler.samples) if args.soak else None
    report = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "settings": {"steps": steps, "step_seconds": args.step_seconds, "verify_users": args.verify_users,
                     "verify_seconds": args.verify_seconds, "soak_seconds": args.soak,
                     "enterprises": args.enterprises, "applications": args.applications,
                     "gunicorn_workers": 2, "celery_concurrency": 1, "locust": "one process, FastHttpUser",
                     "think_time_s": [0.5, 1.5]},
        "machine": {"cpus": os.cpu_count(), "load_before": [round(x, 2) for x in load_before],
                    "load_mean": round(statistics.mean(loads), 2), "load_max": round(max(loads), 2)},
        "cpu_seconds": {"servers": cpu, "locust": locust_cpu},
        "phases": phases,
        "verdicts": verdicts(phases, memory),
        "memory_samples": sampler.samples if args.soak else sampler.samples[:: max(1, len(sampler.samples) // 30)],
        "total_s": round(time.perf_counter() - started, 1),
    }
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(report))
    print(f"\nwritten: {args.output}")
    for log in sorted(work.glob("locust-*.log")):
        text = "\n".join(line for line in log.read_text(errors="replace").splitlines()
                         if "Traceback" in line or "Error" in line)
        if text:
            print(f"\n{log.name}:\n" + text[-2000:])
    if os.environ.get("LOAD_KEEP_LOGS"):
        print(f"logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
