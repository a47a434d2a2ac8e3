"""A real Celery worker for the tests that need one (marker ``redis``): a ``celery -A zhifu_reopen
worker`` subprocess against REDIS_URL and the test database, terminated in ``finally``. With
CELERY_BROKER_URL set (amqp://… in the RabbitMQ pass of .ci/run) the worker and the test send through that
broker instead, Redis staying the cache."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.placards.helpers import wait_for

ROOT = Path(__file__).resolve().parents[1]


class Worker:
    def __init__(self, env: dict, log_path: Path):
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> Worker:
        """Start (or, after ``kill``, start again) the worker; returns once it is ready."""
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "zhifu_reopen", "worker", "-l", "info", "--pool", "prefork",
             "--concurrency", "1", "-n", f"placards-test-{os.getpid()}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for(lambda: b"ready." in self.log_path.read_bytes()[offset:], timeout=60, message="celery worker ready")
        return self

    def kill(self) -> None:
        """The whole worker dies at once (main process and pool), as when its machine is lost: nothing
        acknowledges or gives back the message it was running."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.log.close()

    def children(self) -> list:
        import psutil

        return psutil.Process(self.proc.pid).children(recursive=True)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def worker_env(settings, redis_url: str) -> dict:
    """The environment of a worker subprocess: this test's database and media, the given Redis."""
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
                     f"{db['PORT'] or 5432}/{db['NAME']}" if connection.vendor == "postgresql"
                     else f"sqlite:///{db['NAME']}",
        REDIS_URL=redis_url, ZHIFU_TESTING="1", MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CONN_MAX_AGE="0",
        # Beats often and goes stale soon, so a test sees a dead worker's job taken over in seconds.
        JOB_HEARTBEAT_SECONDS="0.5", JOB_HEARTBEAT_STALE_SECONDS="3",
    )
    env.setdefault("PYTHONPATH", str(ROOT))
    return env


def point_broker_at(url: str) -> None:
    """Send this process's tasks to ``url`` (a fresh connection pool)."""
    from zhifu_reopen.celery import app

    if "CELERY_BROKER_URL" in os.environ:  # Celery reads it before app.conf.broker_url (the RabbitMQ pass)
        os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker_proc(transactional_db, settings, tmp_path):
    """Start a real ``celery -A zhifu_reopen worker`` against REDIS_URL and the test database; tasks
    are sent for real (not eager) for the duration of the test."""
    from zhifu_reopen.celery import app

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("needs REDIS_URL")
    old = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()  # leftovers of an interrupted run
    worker = Worker(worker_env(settings, redis_url), tmp_path / "worker.log")
    try:
        yield worker.start()
    finally:
        worker.stop()
        app.conf.task_always_eager = old
