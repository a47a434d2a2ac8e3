"""Passwords (issue 13): the production settings hash with Argon2 (the tests keep a fast hasher), and the
similarity and common-password validators are on beside the length and all-digits ones."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
hashed = make_password("Yantai-2020-strong")
print(json.dumps({"hash": hashed, "ok": check_password("Yantai-2020-strong", hashed),
                  "hashers": settings.PASSWORD_HASHERS, "secure": settings.SESSION_COOKIE_SECURE,
                  "httponly": settings.SESSION_COOKIE_HTTPONLY, "samesite": settings.SESSION_COOKIE_SAMESITE,
                  "csrf_secure": settings.CSRF_COOKIE_SECURE, "idle": settings.SESSION_IDLE_SECONDS,
                  "absolute": settings.SESSION_ABSOLUTE_SECONDS, "limit": settings.AXES_FAILURE_LIMIT,
                  "cooloff": settings.AXES_COOLOFF_TIME.total_seconds(),
                  "lockout": settings.AXES_LOCKOUT_PARAMETERS}))
"""


from tests.production_env import MAIL, PII  # noqa: E402


def production(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("ZHIFU_TESTING", "DEBUG")}
    env.update(DJANGO_SETTINGS_MODULE="zhifu_reopen.settings", SECRET_KEY="x" * 50, DEBUG="0",
               PUBLIC_BASE_URL="https://fugong.example.gov.cn", SECURE_COOKIES="1", **MAIL, **PII, **extra)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_settings_hash_with_argon2_and_mark_the_cookies():
    found = production()
    assert found["hash"].startswith("argon2$argon2id$") and found["ok"]
    assert found["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert found["secure"] and found["csrf_secure"] and found["httponly"] and found["samesite"] == "Lax"
    assert (found["idle"], found["absolute"]) == (30 * 60, 12 * 3600)
    assert (found["limit"], found["cooloff"]) == (5, 30 * 60)
    assert found["lockout"] == ["username", "ip_address"]  # counted apart, not as a pair


def test_the_limits_come_from_the_environment():
    found = production(SESSION_IDLE_MINUTES="15", SESSION_ABSOLUTE_HOURS="8", LOGIN_FAILURE_LIMIT="10",
                       LOGIN_COOLOFF_MINUTES="60")
    assert (found["idle"], found["absolute"], found["limit"], found["cooloff"]) == (900, 8 * 3600, 10, 3600)


@pytest.mark.django_db
def test_a_common_password_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_password("password123")
    assert "common" in str(refused.value.error_list[0].code)


@pytest.mark.django_db
def test_a_password_like_the_username_or_name_is_refused(personas):
    user = personas["staff_xy"]
    user.full_name = "Zhang Weiguo"
    with pytest.raises(ValidationError) as refused:
        validate_password("zhangweiguo", user)
    assert "password_too_similar" in [e.code for e in refused.value.error_list]
    validate_password("Yantai-harbour-2020", user)  # a good one passes
