"""`manage.py serve` (what `make run` calls): everything it starts stops with it, one beat per broker, and
without REDIS_URL the embedded beat runs CELERY_BEAT_SCHEDULE (issue 7 §24)."""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import psutil
import pytest
from celery import Celery
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tests.placards.helpers import wait_for
from zhifu_reopen.inline_beat import InlineBeat

ROOT = Path(__file__).resolve().parents[2]
BEAT_RUNNING = "已有一个 beat 在运行"
TAKEN_OVER = "先前的 beat 已停止，本次的 beat 已启动。"


# --- the embedded beat, driven by an injected clock ---------------------------------------------


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake_app():
    """A Celery app of its own (not the project's) with tasks that record their calls."""
    app = Celery("serve-test", set_as_current=False)
    app.conf.task_always_eager = True
    app.calls = []
    app.ran = threading.Event()

    @app.task(name="fake.sweep", shared=False)
    def sweep(tag="sweep"):
        app.calls.append(tag)
        app.ran.set()

    @app.task(name="fake.remind", shared=False)
    def remind():
        app.calls.append("remind")

    @app.task(name="fake.broken", shared=False)
    def broken():
        app.calls.append("broken")
        raise RuntimeError("mail server down")

    return app


def test_each_entry_runs_at_start_then_at_its_interval(fake_app):
    clock = Clock()
    beat = InlineBeat({"sweep": {"task": "fake.sweep", "schedule": 10.0, "kwargs": {"tag": "s"}},
                       "remind": {"task": "fake.remind", "schedule": timedelta(seconds=25)}},
                      app=fake_app, clock=clock)
    # (seconds after start, what runs then, seconds until the next run)
    steps = [(0, ["s", "remind"], 10), (9.5, [], 0.5), (10, ["s"], 10), (20, ["s"], 5), (25, ["remind"], 5),
             (30, ["s"], 10), (40, ["s"], 10), (50, ["s", "remind"], 10)]
    for at, runs, wait in steps:
        fake_app.calls.clear()
        clock.now = 1000.0 + at
        assert beat.tick() == pytest.approx(wait), at
        assert fake_app.calls == runs, at


def test_a_failing_task_is_logged_and_runs_again_at_its_next_time(fake_app, caplog):
    clock = Clock()
    beat = InlineBeat({"broken": {"task": "fake.broken", "schedule": 30.0},
                       "unknown": {"task": "fake.nowhere", "schedule": 30.0},
                       "sweep": {"task": "fake.sweep", "schedule": 30.0}}, app=fake_app, clock=clock)
    with caplog.at_level(logging.ERROR, logger="zhifu_reopen.inline_beat"):
        beat.tick()
    assert fake_app.calls == ["broken", "sweep"]  # the others still ran
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.args[1] for r in failed] == ["fake.broken", "fake.nowhere"]
    assert "mail server down" in caplog.text
    clock.now += 30
    beat.tick()
    assert fake_app.calls == ["broken", "sweep", "broken", "sweep"]


def test_the_embedded_beat_reads_the_celery_beat_schedule(settings):
    beat = InlineBeat(settings.CELERY_BEAT_SCHEDULE)
    assert {e.name: (e.task, e.interval) for e in beat.entries} == {
        name: (spec["task"], float(spec["schedule"])) for name, spec in settings.CELERY_BEAT_SCHEDULE.items()}
    assert {"jobs.sweep_pending", "approvals.tasks.send_deadline_reminders",
            "approvals.tasks.escalate_overdue"} <= {e.task for e in beat.entries}
    for entry in beat.entries:
        assert entry.task in beat.app.tasks, entry.task  # the project's tasks are registered by name


def test_a_crontab_entry_is_refused_with_its_name(fake_app):
    with pytest.raises(ImproperlyConfigured, match="nightly"):
        InlineBeat({"nightly": {"task": "fake.sweep", "schedule": crontab(hour=3)}}, app=fake_app)


def test_the_thread_runs_the_schedule_and_stops(fake_app):
    beat = InlineBeat({"sweep": {"task": "fake.sweep", "schedule": 3600.0}}, app=fake_app).start()
    try:
        assert fake_app.ran.wait(60), "the entry ran at start"
    finally:
        beat.stop(timeout=60)
    assert not beat._thread.is_alive()
    assert fake_app.calls == ["sweep"]


# --- the command, as a process -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        conn.request("GET", "/login/")
        return conn.getresponse().status > 0
    except OSError:
        return False
    finally:
        conn.close()


def alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class Serve:
    """``manage.py serve`` in a session of its own, output to a file."""

    def __init__(self, env: dict, log: Path, *args: str):
        self.port = free_port()
        self.log_path = log
        self.log = open(log, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen([sys.executable, "manage.py", "serve", f"127.0.0.1:{self.port}",
                                      "--concurrency", "1", *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.seen: list[psutil.Process] = []

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def descendants(self) -> list[psutil.Process]:
        try:
            found = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        self.seen += [p for p in found if p.pid not in {s.pid for s in self.seen}]
        return found

    def named(self, word: str) -> list[psutil.Process]:
        return [p for p in self.descendants() if alive(p) and word in p.cmdline()]

    def wait_up(self, *, beat: bool = True) -> None:
        wait_for(lambda: answers(self.port), timeout=120, interval=0.5,
                 message=f"web server on {self.port}\n{self.output()[-3000:]}")
        wait_for(lambda: "ready." in self.output() and self.named("worker") and (self.named("beat") or not beat),
                 timeout=120, interval=0.5, message=f"worker and beat\n{self.output()[-3000:]}")

    def left(self) -> list[psutil.Process]:
        return [p for p in self.seen if alive(p)]

    def kill(self) -> None:
        """Clean-up after a failure: SIGKILL serve and whatever it started."""
        self.descendants()
        if self.proc.poll() is None:
            self.proc.kill()
        for p in self.left():
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
        self.proc.wait(timeout=30)
        self.log.close()


@pytest.fixture
def serve_env(transactional_db, settings, tmp_path):
    """The environment of a ``make run`` on PostgreSQL and Redis: the test database, REDIS_URL, a run
    directory of the test's own."""
    from zhifu_reopen.celery import app

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("needs REDIS_URL")
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
                     f"{db['PORT'] or 5432}/{db['NAME']}",
        REDIS_URL=redis_url, ZHIFU_TESTING="1", MEDIA_ROOT=str(settings.MEDIA_ROOT), CONN_MAX_AGE="0",
        ZHIFU_RUN_DIR=str(tmp_path / "run"), PYTHONUNBUFFERED="1",
    )
    app.control.purge()  # leftovers of an interrupted run
    return env


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_serve_starts_web_worker_and_beat_and_stops_them_all(serve_env, tmp_path, signum):
    serve = Serve(serve_env, tmp_path / "serve.log")  # with the autoreloader, as `make run`
    try:
        serve.wait_up()
        assert len(serve.named("beat")) == 1 and serve.named("worker") and serve.named("runserver")
        started = list(serve.seen)
        assert len(started) >= 5  # web (reloader and server), worker (and its pool), beat
        serve.proc.send_signal(signum)  # to serve alone, as Ctrl-C in a terminal reaches it
        assert serve.proc.wait(timeout=90) == 0, serve.output()[-3000:]
        wait_for(lambda: not serve.left(), timeout=60, interval=0.5,
                 message=f"children gone: {[p.pid for p in serve.left()]}")
        assert "正在停止" in serve.output()
    finally:
        serve.kill()


@pytest.mark.redis
@pytest.mark.postgres
def test_a_second_serve_starts_no_second_beat_and_takes_over_when_the_first_stops(serve_env, tmp_path):
    first = Serve(serve_env, tmp_path / "first.log", "--noreload")
    second = None
    try:
        first.wait_up()
        second = Serve(serve_env, tmp_path / "second.log", "--noreload")
        second.wait_up(beat=False)
        wait_for(lambda: BEAT_RUNNING in second.output(), timeout=60, message=second.output()[-3000:])
        beats = first.named("beat") + second.named("beat")
        assert len(beats) == 1 and beats[0].ppid() == first.proc.pid
        assert str(beats[0].pid) in second.output()  # the message names the running beat
        assert second.named("worker")  # more workers are fine: only beat is single

        first.proc.send_signal(signal.SIGTERM)
        assert first.proc.wait(timeout=90) == 0
        wait_for(lambda: TAKEN_OVER in second.output() and len(second.named("beat")) == 1, timeout=60,
                 message=second.output()[-3000:])
        second.proc.send_signal(signal.SIGTERM)
        assert second.proc.wait(timeout=90) == 0
        wait_for(lambda: not first.left() and not second.left(), timeout=60, message="children gone")
    finally:
        first.kill()
        if second:
            second.kill()


def test_without_redis_serve_runs_no_celery_process_and_the_embedded_beat(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}}  # no broker at all
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", ZHIFU_TESTING="1", PYTHONUNBUFFERED="1",
               MEDIA_ROOT=str(tmp_path / "media"), ZHIFU_RUN_DIR=str(tmp_path / "run"))
    serve = Serve(env, tmp_path / "serve.log")
    try:
        wait_for(lambda: answers(serve.port), timeout=120, interval=0.5, message=serve.output()[-3000:])
        assert "内置调度器" in serve.output() and "approvals.tasks.escalate_overdue" in serve.output()
        serve.descendants()
        assert serve.seen and not [p for p in serve.seen if "celery" in p.cmdline()]
        serve.proc.send_signal(signal.SIGTERM)
        assert serve.proc.wait(timeout=90) == 0, serve.output()[-3000:]
        wait_for(lambda: not serve.left(), timeout=60, interval=0.5, message="web server gone")
    finally:
        serve.kill()
