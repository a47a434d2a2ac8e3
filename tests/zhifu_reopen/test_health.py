"""/healthz and /readyz (issue 13, item 10): public, nothing sensitive, 503 naming the failing check within
a second of a failure (bounded waits), the worker's heartbeat from a real Celery worker."""

import json
import os
import socket
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from tests.celery_worker import Worker, worker_env
from tests.placards.helpers import wait_for
from zhifu_reopen import health

pytestmark = pytest.mark.django_db
HANG_BOUND = 5.0  # generous: only to fail a probe that hangs, not a timing assertion


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nothing listens there


def readyz():
    started = time.monotonic()
    response = Client().get("/readyz")
    elapsed = time.monotonic() - started
    assert elapsed < HANG_BOUND, f"/readyz took {elapsed:.1f} s"
    return response, json.loads(response.content)


def fresh_heartbeat():
    health.worker_heartbeat_write()


def test_healthz_answers_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200 and json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_all_up(settings):
    fresh_heartbeat()
    response, body = readyz()
    assert response.status_code == 200, body
    assert body == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "broker": "ok",
                                              "worker": "ok"}}


def test_readyz_database_down(monkeypatch):
    fresh_heartbeat()
    monkeypatch.setitem(connection.settings_dict, "PORT", str(dead_port()))
    response, body = readyz()
    assert response.status_code == 503
    assert body["status"] == "fail" and body["checks"]["database"] == "unreachable"
    assert body["checks"]["broker"] == "ok" and body["checks"]["worker"] == "ok"
    text = response.content.decode()
    assert str(connection.settings_dict["PORT"]) not in text and "127.0.0.1" not in text  # nothing given away


def test_readyz_broker_down(settings):
    fresh_heartbeat()
    url = settings.CELERY_BROKER_URL
    scheme = url.split("://", 1)[0]
    settings.CELERY_BROKER_URL = (f"amqp://guest:guest@127.0.0.1:{dead_port()}//" if scheme.endswith("amqp")
                                  else f"redis://127.0.0.1:{dead_port()}/0")
    response, body = readyz()
    assert response.status_code == 503 and body["checks"]["broker"] == "unreachable"
    assert body["checks"]["database"] == "ok"


def test_readyz_a_hung_database_is_a_timeout_not_a_hang(monkeypatch, settings):
    """A database that accepts the connection and never answers: the probe gives up at its deadline."""
    settings.READYZ_TIMEOUT_SECONDS = 0.5
    fresh_heartbeat()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts (in the kernel's backlog) and never speaks
    try:
        monkeypatch.setitem(connection.settings_dict, "PORT", str(listener.getsockname()[1]))
        response, body = readyz()
    finally:
        listener.close()
    assert response.status_code == 503 and body["checks"]["database"] == "timeout"


def test_readyz_unapplied_migrations(monkeypatch):
    fresh_heartbeat()
    expected = health.expected_migrations() | {("zhifu_reopen", "9999_not_yet_applied")}
    monkeypatch.setattr(health, "expected_migrations", lambda: expected)
    response, body = readyz()
    assert response.status_code == 503 and body["checks"]["migrations"] == "1 app(s) not migrated"


def test_readyz_no_or_old_worker_heartbeat(settings):
    cache.delete(health.HEARTBEAT_KEY)
    response, body = readyz()
    assert response.status_code == 503 and body["checks"]["worker"] == "no heartbeat"
    cache.set(health.HEARTBEAT_KEY, time.time() - 180)
    response, body = readyz()
    assert response.status_code == 503 and body["checks"]["worker"].startswith("stale")


def test_readyz_needs_no_login_and_no_session(django_assert_num_queries):
    fresh_heartbeat()
    with django_assert_num_queries(0):  # the request's own connection is never used: the check has its own
        response = Client().get("/readyz")
    assert response.status_code == 200


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_keeps_readyz_green_and_its_death_turns_it_red(settings, tmp_path):
    """A real ``celery worker`` beats (its consumer step); stopped, its heartbeat ages past the limit and
    /readyz answers 503 naming the worker."""
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker:
        pytest.skip("needs a broker")
    cache.delete(health.HEARTBEAT_KEY)
    settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS = 3
    env = worker_env(settings, os.environ["REDIS_URL"])
    env.update(WORKER_HEARTBEAT_SECONDS="0.5", WORKER_HEARTBEAT_MAX_AGE_SECONDS="3")
    worker = Worker(env, tmp_path / "worker.log")
    try:
        worker.start()
        wait_for(lambda: readyz()[0].status_code == 200, timeout=60, message="/readyz 200 with a live worker")
        first = cache.get(health.HEARTBEAT_KEY)
        wait_for(lambda: cache.get(health.HEARTBEAT_KEY) > first, timeout=30, message="a second heartbeat")
    finally:
        worker.stop()
    wait_for(lambda: readyz()[1]["checks"]["worker"].startswith("stale"), timeout=30,
             message="/readyz naming the stopped worker")
    assert readyz()[0].status_code == 503


def test_readyz_without_a_broker_tasks_run_inline(settings):
    """`make run` on a laptop (no broker): tasks run in the web process, so there is no broker or worker
    to wait for."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    cache.delete(health.HEARTBEAT_KEY)
    response, body = readyz()
    assert response.status_code == 200
    assert body["checks"]["broker"] == "ok (inline)" and body["checks"]["worker"] == "ok (inline)"
