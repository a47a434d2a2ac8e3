import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ZHIFU_TESTING",
                                                              "DATABASE_URL", "REDIS_URL"}}
    clean.update(env)
    code = (
        "import zhifu_reopen.settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_a_missing_secret_stops_start_up_in_production():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_are_embedded_sqlite_and_inline_tasks():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True",
                                     "django.core.cache.backends.locmem.LocMemCache"]


def test_services_come_from_the_environment():
    result = load_settings(SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@db:5432/zhifu",
                           REDIS_URL="redis://cache:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False",
                                     "django.core.cache.backends.redis.RedisCache"]
