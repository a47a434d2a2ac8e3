"""python manage.py serve [ADDRPORT] [--noreload] [--concurrency N]   (what `make run` calls)

The development web server and what the background work needs, started and stopped together:

- with REDIS_URL: `runserver`, one Celery worker and one Celery beat, each a child in its own process
  group. Beat holds a lock file (flock, per broker, in ZHIFU_RUN_DIR): a second `serve` on the same
  broker starts no second beat, says so, and starts its own once the first one's is gone.
- without REDIS_URL (tasks inline): `runserver` and, in this process, the embedded beat
  (`zhifu_reopen.inline_beat`) running the same CELERY_BEAT_SCHEDULE.

Ctrl-C, SIGTERM, SIGHUP or any child exiting stops everything: SIGTERM to every group, SIGKILL after a
grace period (at once on a second Ctrl-C). The autoreloader of runserver lives in the web group only,
so the worker, beat and scheduler run once."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
import subprocess  # nosec B404: starts the app's own children (celery) with fixed argv
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhifu_reopen.inline_beat import InlineBeat

STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.5


def run_dir() -> Path:
    path = Path(os.environ.get("ZHIFU_RUN_DIR") or Path(tempfile.gettempdir()) / f"zhifu-reopen-{os.getuid()}")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class BeatLock:
    """An flock'ed file per broker; the beat child inherits the descriptor, so the lock lasts as long as
    that beat lives, whatever happens to this process."""

    def __init__(self, broker_url: str):
        key = hashlib.sha256(broker_url.encode()).hexdigest()[:12]
        self.path = run_dir() / f"beat-{key}.lock"
        self.schedule_file = run_dir() / f"beat-{key}-schedule"
        self.fd: int | None = None

    def acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def holder(self) -> str:
        with contextlib.suppress(OSError):
            return self.path.read_text().strip() or "?"
        return "?"

    def record(self, pid: int) -> None:
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{pid}\n".encode(), 0)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Command(BaseCommand):
    help = "启动开发服务器及其后台任务（有 REDIS_URL 时另起 Celery worker 和 beat），退出时全部停止。"

    def add_arguments(self, parser):
        default = f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
        parser.add_argument("addrport", nargs="?", default=default, help="地址:端口（默认 %(default)s）")
        parser.add_argument("--noreload", action="store_true", help="web 服务器不自动重载代码")
        parser.add_argument("--concurrency", type=int, default=2, help="Celery worker 的进程数（默认 2）")

    def handle(self, *args, addrport, noreload, concurrency, **options):
        self.signals = 0
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        self.children: dict[str, subprocess.Popen] = {}
        inline_beat = lock = None
        try:
            self._start("web", [sys.executable, str(settings.BASE_DIR / "manage.py"), "runserver", addrport,
                                *(["--noreload"] if noreload else [])])
            if not settings.CELERY_TASK_ALWAYS_EAGER:  # a broker (REDIS_URL or CELERY_BROKER_URL, issue 13)
                self._start("worker", [*self._celery(), "worker", "-l", "info", "--concurrency", str(concurrency),
                                       "-n", f"serve-{os.getpid()}@%h"])
                lock = BeatLock(settings.CELERY_BROKER_URL)
                if not self._beat_start(lock):
                    self._say(_("已有一个 beat 在运行（进程 %(pid)s，锁文件 %(path)s），本次不再启动 beat；"
                                "它停止后由本次接替。") % {"pid": lock.holder(), "path": lock.path})
            else:
                inline_beat = InlineBeat(settings.CELERY_BEAT_SCHEDULE).start()
                self._say(_("未设置 REDIS_URL：任务在本进程内执行，定时任务由内置调度器运行：%(entries)s") % {
                    "entries": "，".join(f"{e.task} ({e.interval:g} s)" for e in inline_beat.entries)})
            self._say(_("服务地址 http://%(addr)s/ ，按 Ctrl-C 全部停止。") % {"addr": addrport})
            while not self.signals:
                time.sleep(POLL_SECONDS)
                for name, proc in self.children.items():
                    if proc.poll() is not None:
                        raise CommandError(_("%(name)s 已退出（退出码 %(code)s），其余进程已停止。")
                                           % {"name": name, "code": proc.returncode}, returncode=1)
                if lock and "beat" not in self.children and self._beat_start(lock):
                    self._say(_("先前的 beat 已停止，本次的 beat 已启动。"))
        finally:
            self._say(_("正在停止…"))
            if inline_beat:
                inline_beat.stop()
            self._stop_all()
            if lock:
                lock.release()

    # --- children ---------------------------------------------------------------------------------

    def _celery(self) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "zhifu_reopen"]

    def _start(self, name: str, argv: list[str], pass_fds: tuple = ()) -> subprocess.Popen:
        proc = subprocess.Popen(argv, cwd=settings.BASE_DIR, stdin=subprocess.DEVNULL, start_new_session=True,  # nosec B603: argv built here from sys.executable and constants, no shell
                                pass_fds=pass_fds)
        self.children[name] = proc
        return proc

    def _beat_start(self, lock: BeatLock) -> bool:
        if not lock.acquire():
            return False
        proc = self._start("beat", [*self._celery(), "beat", "-l", "info", "-s", str(lock.schedule_file)],
                           pass_fds=(lock.fd,))
        lock.record(proc.pid)
        return True

    def _stop_all(self) -> None:
        """SIGTERM to every group, wait up to the grace period (cut short by another signal), then SIGKILL
        whatever is left in the groups, stragglers of an exited leader included."""
        procs = list(self.children.values())
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        seen = self.signals
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while time.monotonic() < deadline and self.signals <= seen:
            if all(proc.poll() is not None for proc in procs):
                break
            time.sleep(0.1)
        for proc in procs:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()

    def _on_signal(self, signum, frame) -> None:
        self.signals += 1

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signum)
