"""The embedded beat: without REDIS_URL tasks run inline and no Celery process runs, so `manage.py serve`
runs settings.CELERY_BEAT_SCHEDULE in a thread of its own with this — the same reminders, escalations and
sweeps celery beat sends on a deployment.

Every entry runs once at start, then every `schedule` seconds (a number or a timedelta). A failing task
is logged and runs again at its next time. The clock is injected: tests call `tick(now)` directly."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from .celery import app as celery_app

logger = logging.getLogger(__name__)


@dataclass
class Entry:
    name: str
    task: str
    interval: float
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    due_at: float = 0.0


class InlineBeat:
    def __init__(self, schedule: dict, *, app=None, clock=time.monotonic):
        if app is None:
            app = celery_app
            app.loader.import_default_modules()  # the apps' tasks modules, as a worker would
        self.app = app
        self.clock = clock
        now = clock()
        self.entries = [Entry(name, spec["task"], _seconds(name, spec["schedule"]), tuple(spec.get("args", ())),
                              dict(spec.get("kwargs", {})), due_at=now) for name, spec in schedule.items()]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self, now: float | None = None) -> float:
        """Run every entry due at `now`; return the seconds until the next one is due."""
        now = self.clock() if now is None else now
        for entry in self.entries:
            if entry.due_at <= now:
                entry.due_at = now + entry.interval
                self._run(entry)
        return max(0.0, min((e.due_at for e in self.entries), default=now + 60.0) - now)

    def _run(self, entry: Entry) -> None:
        try:
            self.app.tasks[entry.task].apply(args=entry.args, kwargs=entry.kwargs, throw=True)
            logger.info("inline beat: %s (%s) done", entry.name, entry.task)
        except Exception:
            logger.exception("inline beat: %s (%s) failed", entry.name, entry.task)

    def start(self) -> InlineBeat:
        self._thread = threading.Thread(target=self._loop, name="inline-beat", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            delay = self.tick()
            connections.close_all()  # this thread's own connections: none held between runs
            self._stop.wait(delay)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def _seconds(name: str, schedule) -> float:
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, int | float):
        return float(schedule)
    raise ImproperlyConfigured(f"CELERY_BEAT_SCHEDULE[{name!r}]: the embedded beat takes an interval in "
                               f"seconds or a timedelta, not {schedule!r}.")
