"""Issue 13 §3: the production settings of the README pass ``manage.py check --deploy`` with no warning, and
with DEBUG off mail goes out through SMTP from the environment, never to the console. Each test runs the
settings in a subprocess with a clean environment, as production starts them."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
from pathlib import Path

from tests.production_env import PII

ROOT = Path(__file__).resolve().parents[2]
OURS = {"SECRET_KEY", "DEBUG", "ZHIFU_TESTING", "DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL", "HOST", "PORT",
        "ALLOWED_HOSTS", "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_PRELOAD", "CSRF_TRUSTED_ORIGINS",
        "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by tests/browser/conftest.py for Playwright; never in production
OURS |= {k for k in os.environ if k.startswith("EMAIL_")}


def production_env(**extra) -> dict[str, str]:
    """The block "Production settings" of README.md (a database and Redis of the test run's own)."""
    env = {k: v for k, v in os.environ.items() if k not in OURS}
    env.update(
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="fugong.example.gov.cn",
        PUBLIC_BASE_URL="https://fugong.example.gov.cn", CSRF_TRUSTED_ORIGINS="https://fugong.example.gov.cn",
        SECURE_COOKIES="1", SECURE_SSL_REDIRECT="1", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO=https",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhifu"),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        EMAIL_HOST="smtp.example.gov.cn", EMAIL_PORT="587", EMAIL_USE_TLS="1",
        EMAIL_HOST_USER="fugong", EMAIL_HOST_PASSWORD="secret", **PII,
    )
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def run(args, env, timeout=120):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_check_deploy_is_clean_with_the_production_settings():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    # The one silenced check is HSTS preloading (settings.py says why); nothing else is hidden.
    assert "(1 silenced)" in result.stdout


def test_check_deploy_fails_on_what_production_must_not_miss():
    """The gate is real: without the HTTPS settings the same command fails."""
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 production_env(SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0"))
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr, result.stderr


SHOW = ("import zhifu_reopen.settings as s; print(s.MAILERS['default']['BACKEND']); "
        "print(sorted(s.MAILERS['default'].get('OPTIONS', {}).items())); print(s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))")


def test_production_mail_is_smtp_from_the_environment_and_https_is_on():
    result = run([sys.executable, "-c", SHOW], production_env())
    assert result.returncode == 0, result.stderr
    backend, options, https = result.stdout.splitlines()
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert "('host', 'smtp.example.gov.cn')" in options and "('port', 587)" in options
    assert "('use_tls', True)" in options and "('username', 'fugong')" in options
    assert https == "31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_without_email_host_production_refuses_to_start():
    result = run([sys.executable, "-c", SHOW], production_env(EMAIL_HOST=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "EMAIL_HOST must be set when DEBUG is off" in result.stderr


def test_without_email_host_tests_use_local_memory_and_debug_the_console():
    testing = run([sys.executable, "-c", SHOW], production_env(EMAIL_HOST=None, ZHIFU_TESTING="1"))
    assert testing.returncode == 0, testing.stderr
    assert testing.stdout.splitlines()[0] == "django.core.mail.backends.locmem.EmailBackend"
    debug = run([sys.executable, "-c", SHOW], production_env(EMAIL_HOST=None, DEBUG="1"))
    assert debug.returncode == 0, debug.stderr
    assert debug.stdout.splitlines()[0] == "django.core.mail.backends.console.EmailBackend"


class TinySMTP:
    """Just enough of an SMTP server on 127.0.0.1 to receive one message (no TLS, no auth)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received: list[str] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.sock.settimeout(60)
        conn, _addr = self.sock.accept()
        with conn, conn.makefile("rb") as reader:
            def say(line):
                conn.sendall(line.encode() + b"\r\n")
            say("220 tiny ESMTP")
            while line := reader.readline():
                command = line.decode(errors="replace").strip().upper()
                if command.startswith(("EHLO", "HELO")):
                    say("250 tiny")
                elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                    say("250 OK")
                elif command == "DATA":
                    say("354 go on")
                    body = []
                    while (data := reader.readline()) not in (b".\r\n", b""):
                        body.append(data.decode(errors="replace"))
                    self.received.append("".join(body))
                    say("250 queued")
                elif command == "QUIT":
                    say("221 bye")
                    break
                else:
                    say("502 no")
        self.sock.close()


def test_a_message_sent_with_debug_off_reaches_the_smtp_server_not_the_console():
    server = TinySMTP()
    code = ("import django; django.setup(); from django.core.mail import send_mail; "
            "send_mail('催办 test', 'body of the reminder', None, ['staff@example.com'])")
    result = run([sys.executable, "-c", code],
                 production_env(DJANGO_SETTINGS_MODULE="zhifu_reopen.settings", EMAIL_HOST="127.0.0.1",
                                EMAIL_PORT=str(server.port), EMAIL_USE_TLS="0", EMAIL_HOST_USER="",
                                EMAIL_HOST_PASSWORD=""))
    assert result.returncode == 0, result.stderr
    server.thread.join(timeout=30)
    assert len(server.received) == 1
    assert "staff@example.com" in server.received[0] and "body of the reminder" in server.received[0]
    assert "body of the reminder" not in result.stdout + result.stderr  # nothing written to the console
