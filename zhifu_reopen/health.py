"""Probes for the orchestrator and the load balancer (issue 13, item 10).

- ``/healthz``: the process answers (no database, no Redis): 200 ``{"status": "ok"}``.
- ``/readyz``: the process can do its work: the database is reachable, every migration on disk is applied,
  the broker is reachable and a worker is alive (its heartbeat is younger than
  ``WORKER_HEARTBEAT_MAX_AGE_SECONDS``). 200 when all hold, else 503; the JSON body names each check and
  its outcome in fixed words (no host names, no error texts). The checks run side by side, each on its
  own connection, and one not done within ``READYZ_TIMEOUT_SECONDS`` counts as failed: a hung database or
  broker answers 503 within a second, not at the proxy's timeout.

The worker heartbeat: every Celery worker's consumer, while connected to the broker, writes the time to
the cache (Redis) on start and every ``WORKER_HEARTBEAT_SECONDS`` (``WorkerHeartbeat``, a consumer
bootstep registered in ``zhifu_reopen/celery.py``). The consumer stops its steps when it loses the
broker, so the heartbeat says "a worker is connected and its event loop is running".
"""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
import time
from functools import lru_cache

from celery import bootsteps
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)
HEARTBEAT_KEY = "ops:worker-heartbeat"


# --- the worker's heartbeat --------------------------------------------------------------------------

def worker_heartbeat_write() -> None:
    from django.core.cache import cache

    try:
        cache.set(HEARTBEAT_KEY, time.time(), timeout=int(settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS * 2) + 1)
    except Exception as exc:  # the cache fails open; anything else must not stop the worker
        log.warning("worker heartbeat not written: %s", exc)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A consumer step: beats while the consumer runs (it is stopped and started again around a lost
    broker connection)."""

    requires = {"celery.worker.consumer.connection:Connection"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.tref = None

    def start(self, parent):
        worker_heartbeat_write()
        self.tref = parent.timer.call_repeatedly(float(settings.WORKER_HEARTBEAT_SECONDS), worker_heartbeat_write)

    def stop(self, parent):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    shutdown = stop


# --- the checks ----------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def expected_migrations() -> frozenset[tuple[str, str]]:
    """The last migration of every app, as on disk (read once per process)."""
    from django.db.migrations.loader import MigrationLoader

    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def _check_database(results: dict) -> None:
    """A fresh connection (never the request's): SELECT 1, then the applied migrations."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder
    from django.db.utils import load_backend

    db = copy.deepcopy(connection.settings_dict)
    db["CONN_MAX_AGE"] = 0
    db["CONN_HEALTH_CHECKS"] = False
    timeout = max(1, int(float(settings.READYZ_TIMEOUT_SECONDS) + 0.999))
    if db["ENGINE"].endswith("postgresql"):
        db.setdefault("OPTIONS", {})["connect_timeout"] = max(2, timeout)  # libpq's least
    wrapper = load_backend(db["ENGINE"]).DatabaseWrapper(db, alias="readyz")  # its own, not connections["default"]
    try:
        with wrapper.cursor() as cursor:
            if wrapper.vendor == "postgresql":
                cursor.execute("SET statement_timeout = %s", [timeout * 1000])
            cursor.execute("SELECT 1")
            results["database"] = "ok"
            # On this connection (MigrationRecorder would query the thread's own default connection).
            cursor.execute(f"SELECT app, name FROM {wrapper.ops.quote_name(MigrationRecorder.Migration._meta.db_table)}")  # nosemgrep: raw-sql-format -- the migrations table quoted with quote_name, no values
            applied = set(cursor.fetchall())
        missing = expected_migrations() - applied
        results["migrations"] = "ok" if not missing else f"{len(missing)} app(s) not migrated"
    except Exception as exc:
        log.warning("readyz: database check failed: %s", exc)
        results.setdefault("database", "unreachable")
        results.setdefault("migrations", "unknown")
    finally:
        try:
            wrapper.close()
        except Exception:
            log.exception("readyz: closing its connection")


def _check_broker(results: dict) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        results["broker"] = "ok (inline)"
        return
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {})
    options.pop("visibility_timeout", None)
    if url.startswith("redis"):
        options.update(socket_connect_timeout=settings.READYZ_TIMEOUT_SECONDS,
                       socket_timeout=settings.READYZ_TIMEOUT_SECONDS)
    conn = Connection(url, connect_timeout=settings.READYZ_TIMEOUT_SECONDS, transport_options=options)
    try:
        conn.ensure_connection(max_retries=0)
        if url.startswith("redis"):
            conn.default_channel.client.ping()
        results["broker"] = "ok"
    except Exception as exc:
        log.warning("readyz: broker check failed: %s", exc)
        results["broker"] = "unreachable"
    finally:
        with contextlib.suppress(Exception):
            conn.release()


def _check_worker(results: dict) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        results["worker"] = "ok (inline)"
        return
    from django.core.cache import cache

    beat = cache.get(HEARTBEAT_KEY)  # fails open: Redis down reads as no heartbeat
    if not isinstance(beat, (int, float)):
        results["worker"] = "no heartbeat"
        return
    age = time.time() - beat
    results["worker"] = "ok" if age <= settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS else f"stale ({int(age)} s)"


CHECKS = (("database", _check_database), ("broker", _check_broker), ("worker", _check_worker))
NAMES = ("database", "migrations", "broker", "worker")


def readiness() -> tuple[bool, dict[str, str]]:
    """Run every check side by side within ``READYZ_TIMEOUT_SECONDS``; (all ok, outcome per check)."""
    results: dict[str, str] = {}
    threads = [threading.Thread(target=check, args=(results,), name=f"readyz-{name}", daemon=True)
               for name, check in CHECKS]
    deadline = time.monotonic() + float(settings.READYZ_TIMEOUT_SECONDS)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    outcome = {name: results.get(name, "timeout") for name in NAMES}
    return all(value.startswith("ok") for value in outcome.values()), outcome


def _json(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_GET
def healthz(request):
    return _json({"status": "ok"}, 200)


@login_not_required
@require_GET
def readyz(request):
    ready, checks = readiness()
    return _json({"status": "ok" if ready else "fail", "checks": checks}, 200 if ready else 503)
