"""The private stack of the fault tests: a PostgreSQL cluster (initdb into a temporary directory, pg_ctl on
a free port), a redis-server without persistence, gunicorn (2 workers) and a Celery worker, all started by
the test and configured by environment, never the machine's own PostgreSQL or Redis."""

from __future__ import annotations

import contextlib
import glob
import http.client
import http.cookiejar
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.celery_worker import Worker
from tests.placards.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
PG_BINDIR = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)), "")
PASSWORD = "zhifu-test-pw"  # tests/conftest.py PASSWORD, the personas' password


def missing() -> str:
    """Why the private stack cannot start here ("" when it can)."""
    if not PG_BINDIR or not os.path.exists(f"{PG_BINDIR}/initdb"):
        return "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
    if not shutil.which("redis-server"):
        return "no redis-server"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres OS user to run PostgreSQL as"
    return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30, message: str = "port") -> None:
    def listening():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False

    wait_for(listening, timeout=timeout, interval=0.1, message=message)


class PrivatePostgres:
    """A cluster of its own in a temporary directory, run as the ``postgres`` OS user when the tests run as
    root (PostgreSQL refuses root); trust authentication on 127.0.0.1 only, fsync off (a test cluster)."""

    def __init__(self):
        # Its own directory under the system's temporary one (the postgres user cannot enter the test's).
        self.dir = Path(tempfile.mkdtemp(prefix="zhifu-faults-pg-"))
        self.data, self.log = self.dir / "data", self.dir / "postgres.log"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([*self.as_user, *args], timeout=timeout, capture_output=True, text=True, cwd=self.dir)
        assert done.returncode == 0, f"{args[0]} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}"

    def start(self) -> PrivatePostgres:
        self._run(f"{PG_BINDIR}/initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        self._run(f"{PG_BINDIR}/pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60",
                  "start")
        self.sql("CREATE DATABASE zhifu", db="postgres")
        return self

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every connection is cut, the server back when it accepts again."""
        # -l again: without it the new server writes to pg_ctl's output, a pipe that then never closes.
        self._run(f"{PG_BINDIR}/pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "60",
                  "restart")

    def ensure_running(self) -> None:
        """Started again if a failed scenario left it down."""
        try:
            self.sql("SELECT 1")
        except Exception:
            self._run(f"{PG_BINDIR}/pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._run(f"{PG_BINDIR}/pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/zhifu"

    def connect(self, db: str = "zhifu"):
        import psycopg2

        conn = psycopg2.connect(dbname=db, user="postgres", host="127.0.0.1", port=self.port, connect_timeout=5)
        conn.autocommit = True
        return conn

    def sql(self, query: str, params=(), db: str = "zhifu") -> list[tuple]:
        """Rows of ``query`` on a connection of its own (the test process uses no Django connection here)."""
        conn = self.connect(db)
        try:
            with conn.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()


class PrivateRedis:
    """redis-server on a free port, nothing saved: a restart comes back empty, as a cache and broker may."""

    def __init__(self, base: Path):
        self.port = free_port()
        self.log = base / "redis.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--logfile", str(self.log)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, message="private redis")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class Gunicorn:
    def __init__(self, env: dict, log: Path):
        self.env, self.log_path, self.port = env, log, free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> Gunicorn:
        self.log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "zhifu_reopen.wsgi", "--workers", "2", "--bind",
             f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        return self.wait() if wait else self

    def wait(self) -> Gunicorn:
        wait_for(lambda: Browser(self.url).status("/accounts/login/") == 200, timeout=60, interval=0.3,
                 message="gunicorn up")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A signed-in user agent (cookies, CSRF) on the stdlib. ``request`` never raises for an answer: it
    returns (status, headers, body); a refused or cut connection is status 0."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, path: str, data: dict | None = None, timeout: float = 15) -> tuple[int, dict, str]:
        body = None
        headers = {"Accept-Language": "zh-hans"}
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["X-CSRFToken"] = self.cookie("csrftoken")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return resp.status, dict(resp.headers), resp.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            return 0, {}, ""

    def status(self, path: str) -> int:
        return self.request(path)[0]

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def login(self, username: str) -> Browser:
        assert self.status("/accounts/login/") == 200
        status, _headers, body = self.request("/accounts/login/", {"username": username, "password": PASSWORD})
        assert status == 302, f"login of {username}: {status} {body[:500]}"
        return self


def job_id_of(headers: dict) -> int:
    """The job a POST queued, from its redirect to /jobs/<pk>/."""
    location = headers.get("Location", "")
    parts = [p for p in urllib.parse.urlparse(location).path.split("/") if p]
    assert parts[:1] == ["jobs"] and parts[1].isdigit(), location
    return int(parts[1])


class Stack:
    """The four private services and the helpers the scenarios share."""

    def __init__(self, base: Path):
        self.base = base
        self.pg = PrivatePostgres()
        self.redis = PrivateRedis(base)
        self.media = base / "media"
        self.web: Gunicorn | None = None
        self.worker: Worker | None = None

    def env(self, **extra: str) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CONN_MAX_AGE"}}
        env.update(
            DATABASE_URL=self.pg.url, REDIS_URL=self.redis.url, SECRET_KEY="zhifu-faults-secret-key-" + "x" * 40,
            DEBUG="0", ZHIFU_TESTING="1", MEDIA_ROOT=str(self.media), LOG_LEVEL="WARNING",
            PUBLIC_BASE_URL=self.web.url if self.web else "http://127.0.0.1:8000",
            # A dead worker's job is stale in seconds, not the production 45 s (zhifu_reopen/jobs.py).
            JOB_HEARTBEAT_SECONDS="0.5", JOB_HEARTBEAT_STALE_SECONDS="3",
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env

    def start(self) -> Stack:
        began = time.monotonic()
        self.pg.start()
        self.redis.start()
        self.seed("world")  # migrate, then the organisation and the personas
        migrated = time.monotonic()
        self.web = Gunicorn({}, self.base / "gunicorn.log")
        self.web.env = self.env()  # PUBLIC_BASE_URL: the port it serves on
        self.web.start(wait=False)  # both start at once
        self.worker = Worker(self.env(), self.base / "worker.log").start()
        self.web.wait()
        print(f"\n[faults] private stack up in {time.monotonic() - began:.1f} s "
              f"(migrations and seed {migrated - began:.1f} s)", flush=True)
        return self

    def stop(self) -> None:
        for part in (self.worker, self.web, self.redis, self.pg):
            if part is not None:
                try:
                    part.stop()
                except Exception as exc:  # the others still stop
                    print(f"stopping {part}: {exc}", file=sys.stderr)

    def seed(self, *what: str | int) -> dict:
        done = subprocess.run([sys.executable, "-m", "tests.faults.seed", *map(str, what)], cwd=ROOT,
                              env=self.env(), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def browser(self, username: str | None = None) -> Browser:
        browser = Browser(self.web.url)
        return browser.login(username) if username else browser

    def sweep(self) -> None:
        """What beat does every minute: ``jobs.sweep_pending`` sent to the worker (min age 0). A Celery app
        of its own, on the private broker, so nothing of the test process's app is touched."""
        from celery import Celery

        app = Celery("faults-sweep", broker=self.redis.url)
        app.conf.broker_transport_options = {"max_retries": 1, "socket_connect_timeout": 2, "socket_timeout": 5}
        try:
            app.send_task("jobs.sweep_pending", kwargs={"min_age_seconds": 0}, retry=False)
        finally:
            app.close()

    def jobs(self, ids) -> dict[int, tuple[str, str | None]]:
        """{pk: (status, enqueued_at)} of the given jobs."""
        rows = self.sql("SELECT id, status, enqueued_at FROM zhifu_reopen_job WHERE id = ANY(%s)", [list(ids)])
        return {pk: (status, enqueued) for pk, status, enqueued in rows}

    def sql(self, query: str, params=()) -> list[tuple]:
        return self.pg.sql(query, params)

    def logs(self) -> str:
        tail = ""
        for name in ("gunicorn.log", "worker.log", "redis.log"):
            path = self.base / name
            if path.exists():
                tail += f"\n--- {name}\n" + path.read_text(errors="replace")[-3000:]
        return tail


class Clock:
    """Recovery times: seconds from the fault's end to the first good answer, per scenario."""

    def __init__(self):
        self.figures: dict[str, dict[str, float]] = {}

    def record(self, scenario: str, name: str, value: float) -> None:
        """``value``: seconds (a name ending in _s), else a count."""
        self.figures.setdefault(scenario, {})[name] = round(value, 2)
        shown = f"{value:.2f} s" if name.endswith("_s") else f"{value:g}"
        print(f"\n[faults] {scenario}: {name} = {shown}", flush=True)


def until(predicate, timeout: float, message: str, interval: float = 0.2) -> float:
    """Polls ``predicate`` until true (or fails after ``timeout``); returns the monotonic time it held."""
    wait_for(predicate, timeout=timeout, interval=interval, message=message)
    return time.monotonic()
