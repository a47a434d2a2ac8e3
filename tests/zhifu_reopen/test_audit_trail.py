"""The audit trail (issue 13 item 4): append-only in PostgreSQL (the trigger, even for a superuser; the
application role's grants), purged only by ``audit_purge`` past the retention limit, and what it records
(sign-ins, failed sign-ins, sign-outs, refused pages, exports) with the request id and the address."""

from __future__ import annotations

import json
import logging
import os
import uuid
from datetime import timedelta
from io import StringIO

import psycopg2
import psycopg2.errors
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from zhifu_reopen.audit import audit_record
from zhifu_reopen.models import AuditEntry
from zhifu_reopen.request_context import REQUEST_ID_HEADER, RequestContext, context_reset, context_set

TABLE = AuditEntry._meta.db_table


def _old_entry(days: int, action: str = "enterprise.update") -> int:
    """An entry dated ``days`` ago (INSERT is allowed: only UPDATE and DELETE are refused)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (created_at, post, action, target_type, target_id, target_repr, reason, "
            f"request_id, address, path) VALUES (%s, '', %s, '', NULL, 'old', '', '', '', '') RETURNING id",
            [timezone.now() - timedelta(days=days), action])
        return cursor.fetchone()[0]


def _refused(sql: str, params=()) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


@pytest.mark.postgres
def test_the_trigger_refuses_update_and_delete_even_for_a_superuser(personas):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone()[0] is True  # the tests' role: the owner and a superuser
    entry = audit_record(actor=personas["staff_xy"], action="enterprise.update", target_repr="x", reason="原因")

    assert "append-only" in _refused(f"UPDATE {TABLE} SET reason = 'changed' WHERE id = %s", [entry.pk])
    assert "append-only" in _refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    # Not even the purge's setting lets a young row go, nor a limit under 180 days an old one.
    old = _old_entry(200)
    assert "append-only" in _refused(
        f"SELECT set_config('zhifu.audit_purge_days', '180', true); DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert "append-only" in _refused(
        f"SELECT set_config('zhifu.audit_purge_days', '30', true); DELETE FROM {TABLE} WHERE id = %s", [old])
    assert "append-only" in _refused(
        f"SELECT set_config('zhifu.audit_purge_days', '180', true); UPDATE {TABLE} SET reason = 'x' WHERE id = %s",
        [old])
    assert AuditEntry.objects.get(pk=entry.pk).reason == "原因"
    assert AuditEntry.objects.filter(pk=old).exists()


@pytest.mark.postgres
def test_audit_purge_deletes_only_entries_past_the_retention_limit(db, settings):
    settings.AUDIT_RETENTION_DAYS = 200
    past, kept_a, kept_b = _old_entry(400), _old_entry(199), _old_entry(1)
    out = StringIO()
    call_command("audit_purge", stdout=out)
    assert "deleted 1 entries older than 200 days" in out.getvalue()
    assert not AuditEntry.objects.filter(pk=past).exists()
    assert AuditEntry.objects.filter(pk__in=[kept_a, kept_b]).count() == 2
    purge = AuditEntry.objects.get(action="audit.purge")
    assert purge.after == {"deleted": 1, "before_days": 200}
    out = StringIO()
    call_command("audit_purge", "--dry-run", stdout=out)
    assert "would delete 0 entries" in out.getvalue()


def test_the_retention_limit_cannot_be_set_under_180_days(monkeypatch):
    import subprocess
    import sys

    env = {**os.environ, "AUDIT_RETENTION_DAYS": "90", "ZHIFU_TESTING": "1"}
    proc = subprocess.run([sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
                           "'zhifu_reopen.settings'; django.setup()"], env=env, capture_output=True, text=True)
    assert proc.returncode != 0 and "AUDIT_RETENTION_DAYS must be at least 180" in proc.stderr


@pytest.mark.postgres
def test_the_application_role_may_read_and_add_entries_but_never_change_them(transactional_db, personas):
    role = f"zhifu_app_test_{uuid.uuid4().hex[:8]}"
    entry = audit_record(actor=personas["staff_xy"], action="enterprise.update", target_repr="x")
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER')
    try:
        out = StringIO()
        call_command("db_grant_app_role", role, stdout=out)
        assert "only SELECT and INSERT" in out.getvalue()
        db = connection.settings_dict
        app = psycopg2.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, dbname=db["NAME"], user=role)
        app.autocommit = True
        try:
            cur = app.cursor()
            cur.execute(f"SELECT reason FROM {TABLE} WHERE id = %s", [entry.pk])
            assert cur.fetchone() == ("",)
            cur.execute(f"INSERT INTO {TABLE} (created_at, post, action, target_type, target_repr, reason, "
                        f"request_id, address, path) VALUES (now(), '', 'auth.login', '', 'x', '', '', '', '')")
            cur.execute("UPDATE accounts_user SET full_name = full_name WHERE id = %s", [entry.actor_id])  # others: yes
            for sql in (f"UPDATE {TABLE} SET reason = 'x' WHERE id = %s", f"DELETE FROM {TABLE} WHERE id = %s"):
                with pytest.raises(psycopg2.errors.InsufficientPrivilege) as caught:
                    cur.execute(sql, [entry.pk])
                assert "permission denied" in str(caught.value)
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute(f"TRUNCATE {TABLE}")
        finally:
            app.close()
        assert AuditEntry.objects.filter(pk=entry.pk).exists()
        assert AuditEntry.objects.filter(action="auth.login").count() == 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


@pytest.mark.postgres
def test_deleting_an_enterprise_touches_no_audit_row(personas, enterprise_xy):
    """The trigger would refuse it: the enterprise's entries stay, filed under its id."""
    from django.test.utils import CaptureQueriesContext

    from enterprises.services.registry import enterprise_update

    enterprise_update(user=personas["staff_xy"], enterprise=enterprise_xy, data={"employee_count": 9}, reason="r")
    pk = enterprise_xy.pk
    with CaptureQueriesContext(connection) as queries:
        enterprise_xy.delete()
    assert not [q["sql"] for q in queries if TABLE in q["sql"]]
    assert AuditEntry.objects.filter(enterprise_id=pk, action="enterprise.update").count() == 1


# --- what is recorded, and with which request ---------------------------------------------------------


def test_sign_in_failed_sign_in_and_sign_out_are_recorded_with_the_request(client, personas):
    staff = personas["staff_xy"]
    request_id = "req-" + uuid.uuid4().hex
    response = client.post(reverse("login"), {"username": "staff_xy", "password": "wrong-secret-pw"},
                           headers={REQUEST_ID_HEADER: request_id}, REMOTE_ADDR="10.1.2.3")
    assert response[REQUEST_ID_HEADER] == request_id
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert failed.actor is None and failed.after == {"username": "staff_xy"} and failed.target_repr == "staff_xy"
    assert (failed.request_id, failed.address, failed.path) == (request_id, "10.1.2.3", reverse("login"))
    assert "wrong-secret-pw" not in json.dumps([failed.after, failed.reason, failed.target_repr, failed.before])

    client.post(reverse("login"), {"username": "staff_xy", "password": PASSWORD}, REMOTE_ADDR="10.1.2.4")
    login = AuditEntry.objects.get(action="auth.login")
    assert login.actor == staff and login.address == "10.1.2.4" and len(login.request_id) == 32
    assert login.request_id != request_id

    client.post(reverse("logout"))
    assert AuditEntry.objects.get(action="auth.logout").actor == staff


def test_a_malformed_request_id_is_replaced_by_a_new_one(client, personas):
    client.force_login(personas["staff_xy"])
    for bad in ("short", "has space in it!!", "x" * 65, "<script>alert(1)</script>"):
        response = client.get(reverse("home"), headers={REQUEST_ID_HEADER: bad})
        assert response[REQUEST_ID_HEADER] != bad and len(response[REQUEST_ID_HEADER]) == 32
    response = client.get(reverse("home"))
    assert len(response[REQUEST_ID_HEADER]) == 32


def test_refused_pages_of_a_signed_in_user_are_recorded(client, personas, enterprise_ds):
    client.force_login(personas["staff_xy"])
    assert client.get(reverse("audit_trail"), headers={REQUEST_ID_HEADER: "deny-403-test"}).status_code == 403
    denied = AuditEntry.objects.get(action="access.deny")
    assert denied.actor == personas["staff_xy"] and denied.request_id == "deny-403-test"
    assert denied.after["status"] == 403 and denied.path == reverse("audit_trail")

    # Another street's enterprise: a 404 of an object page is recorded; a mistyped address is not.
    assert client.get(reverse("enterprises:detail", args=[enterprise_ds.pk])).status_code == 404
    assert client.get("/no-such-page/").status_code == 404
    entries = AuditEntry.objects.filter(action="access.deny").order_by("id")
    assert [e.after["status"] for e in entries] == [403, 404]
    assert entries[1].after["view"] == "enterprises:detail"
    client.logout()
    client.get(reverse("audit_trail"))  # anonymous: a redirect to the sign-in, nothing recorded
    assert AuditEntry.objects.filter(action="access.deny").count() == 2


def test_exports_are_recorded(client, personas, enterprise_xy):
    client.force_login(personas["staff_xy"])
    response = client.post(reverse("enterprises:export") + "?q=" + enterprise_xy.name[:2])
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="enterprise.export")
    assert entry.actor == personas["staff_xy"] and entry.after["rows"] >= 1 and entry.request_id

    client.force_login(personas["taskforce"])
    assert client.get(reverse("dashboard_export", args=["overdue"])).status_code == 200
    assert AuditEntry.objects.get(action="dashboard.export").after["list"] == "overdue"
    assert client.get(reverse("liaisons:problems_export")).status_code == 200
    assert AuditEntry.objects.filter(action="problem.export").count() == 1


def test_every_new_action_has_a_label():
    from zhifu_reopen.audit_display import ACTION_LABELS

    for code in ("auth.login", "auth.login_failed", "auth.logout", "access.deny", "enterprise.export",
                 "dashboard.export", "problem.export", "audit.export", "audit.purge"):
        assert code in ACTION_LABELS


def test_json_log_lines_carry_the_request(personas):
    from zhifu_reopen.logs import JsonFormatter

    class Request:
        user = personas["staff_xy"]

    token = context_set(RequestContext(request_id="log-test-0001", address="10.0.0.1", path="/x/", request=Request()))
    try:
        record = logging.LogRecord("zhifu.test", logging.WARNING, __file__, 1, "hello %s", ("世界",), None)
        line = json.loads(JsonFormatter().format(record))
    finally:
        context_reset(token)
    assert line["message"] == "hello 世界" and line["level"] == "WARNING" and line["logger"] == "zhifu.test"
    assert (line["request_id"], line["user_id"], line["path"]) == ("log-test-0001", personas["staff_xy"].pk, "/x/")
    assert line["time"].endswith("+00:00")
    outside = json.loads(JsonFormatter().format(record))
    assert outside["request_id"] is None and outside["user_id"] is None


def test_nul_characters_never_break_an_entry(client, personas):
    """PostgreSQL refuses NUL in text and jsonb: what a request carries is recorded without them."""
    response = client.post(reverse("login"), {"username": "a\x00b", "password": "x"})
    assert response.status_code < 500  # the form refuses it before any sign-in is tried
    client.force_login(personas["taskforce"])
    assert client.get(reverse("dashboard_export", args=["overdue"]), {"q": "a\x00b"}).status_code == 200
    assert AuditEntry.objects.get(action="dashboard.export").after["filters"] == {"q": "ab"}
