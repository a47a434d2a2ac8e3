import os
import subprocess
import sys
from pathlib import Path

from tests.production_env import MAIL, PII

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ZHIFU_TESTING",
                                                              "DATABASE_URL", "REDIS_URL",
                                                              "CELERY_BROKER_URL", "CELERY_QUEUE",
                                                              "PUBLIC_BASE_URL", "HOST", "PORT"}}
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


def test_missing_personal_data_keys_stop_start_up_in_production():
    for missing in ("PII_KEYS", "PII_INDEX_KEY"):
        env = {k: v for k, v in PII.items() if k != missing}
        result = load_settings(SECRET_KEY="x" * 50, PUBLIC_BASE_URL="https://fugong.example.gov.cn", **MAIL, **env)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and "PII_KEYS and PII_INDEX_KEY must be set" in result.stderr


def test_defaults_are_embedded_sqlite_and_inline_tasks():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True",
                                     "django.core.cache.backends.locmem.LocMemCache"]


def test_services_come_from_the_environment():
    result = load_settings(SECRET_KEY="x" * 50, PUBLIC_BASE_URL="https://fugong.example.gov.cn",
                           EMAIL_HOST="smtp.example.gov.cn", **PII, DATABASE_URL="postgres://u@db:5432/zhifu",
                           REDIS_URL="redis://cache:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False",
                                     "zhifu_reopen.cache.FailOpenRedisCache"]


def public_base_url(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ZHIFU_TESTING",
                                                              "PUBLIC_BASE_URL", "HOST", "PORT"}}
    clean.update(env)
    code = "import zhifu_reopen.settings as s; print(s.PUBLIC_BASE_URL)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_an_unset_public_base_url_stops_start_up_in_production():
    result = public_base_url(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "PUBLIC_BASE_URL must be set" in result.stderr


def test_an_unset_public_base_url_follows_the_served_host_and_port():
    result = public_base_url(DEBUG="1", HOST="0.0.0.0", PORT="8123")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://0.0.0.0:8123"
    result = public_base_url(DEBUG="0", SECRET_KEY="x" * 50, PUBLIC_BASE_URL="https://fugong.example.gov.cn/",
                             EMAIL_HOST="smtp.example.gov.cn", **PII)
    assert result.stdout.strip() == "https://fugong.example.gov.cn"


def test_make_run_exports_the_served_address():
    env = {k: v for k, v in os.environ.items() if k not in {"PUBLIC_BASE_URL", "HOST", "PORT", "MAKEFLAGS"}}
    result = subprocess.run(["make", "-s", "--eval", "show-base-url: ; @echo $$PUBLIC_BASE_URL", "show-base-url",
                             "HOST=192.0.2.7", "PORT=8123"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "http://192.0.2.7:8123", result.stderr


def test_rabbitmq_as_the_broker_redis_as_the_cache():
    """Issue 13: CELERY_BROKER_URL names the broker (RabbitMQ here); Redis stays the cache; the Redis-only
    transport options are not handed to py-amqp."""
    code = ("import zhifu_reopen.settings as s; "
            "print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['LOCATION'], "
            "sorted(s.CELERY_BROKER_TRANSPORT_OPTIONS), s.CELERY_TASK_DEFAULT_QUEUE)")
    clean = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "REDIS_URL", "CELERY_QUEUE"}}
    clean.update(DEBUG="1", REDIS_URL="redis://cache:6379/0", CELERY_BROKER_URL="amqp://u:p@mq:5672//zhifu",
                 CELERY_QUEUE="zhifu")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["amqp://u:p@mq:5672//zhifu", "False", "redis://cache:6379/0", "[]", "zhifu"]
