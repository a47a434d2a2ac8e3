"""Returning employees' personal data (issue 13 item 5): encrypted at rest with rotatable keys, a blind
index for the unique ID number, masked except for the reviewing officials, each unmasked view audited."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import io
import json
import os
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from approvals.models import ReturningEmployee
from approvals.services.applications import employee_add
from tests.approvals import helpers as h
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry
from zhifu_reopen.pii import blind_index

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

COLUMNS = ["name", "id_number", "mobile", "residence", "travel_history", "health_status", "id_index"]
PLAIN = ["name", "id_number", "mobile", "residence", "travel_history", "health_status"]
ROOT = Path(__file__).resolve().parents[2]


def raw_rows(application=None) -> list[dict]:
    """The columns as PostgreSQL holds them, read past the ORM."""
    sql = f"SELECT id, {', '.join(COLUMNS)} FROM approvals_returningemployee"
    params = []
    if application is not None:
        sql += " WHERE application_id = %s"
        params = [application.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY id", params)
        return [dict(zip(["id", *COLUMNS], row, strict=True)) for row in cursor.fetchall()]


def plain_values(application) -> list[dict]:
    return [{f: getattr(e, f) for f in PLAIN} for e in application.employees.order_by("pk")]


def test_the_database_holds_no_plaintext(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=3, materials=False)
    plain = plain_values(app)
    assert plain[0]["id_number"] == h.employee_data(1)["id_number"]  # the ORM reads the plaintext back
    raw = raw_rows(app)
    assert len(raw) == 3
    everything = json.dumps(raw, ensure_ascii=False)
    for row in plain:
        for field in PLAIN:
            value = row[field]
            if value:
                assert value not in everything, field
    for row in raw:
        for field in PLAIN:
            assert row[field].startswith("gAAAAA"), field  # a Fernet token
    # The blind index is an HMAC of the ID number, nothing else of it.
    expected = hmac.new(b"zhifu-dev-blind-index-key", plain[0]["id_number"].encode(), hashlib.sha256).hexdigest()
    assert raw[0]["id_index"] == expected


def test_two_equal_values_give_different_tokens(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=2, materials=False)
    raw = raw_rows(app)
    assert {e.residence for e in app.employees.all()} == {"烟台市芝罘区南大街1号"}
    assert raw[0]["residence"] != raw[1]["residence"]  # nothing to compare rows by


def test_duplicates_are_found_by_the_blind_index(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=1, materials=False)
    same = h.employee_data(1)
    with pytest.raises(DomainError) as refused:
        employee_add(user=staff, application=app, data={**same, "id_number": " " + same["id_number"].lower()})
    assert "重复" in "".join(refused.value.messages)
    # The database refuses it too, whatever the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturningEmployee.objects.create(application=app, **same)
    assert app.employees.filter(id_index=blind_index(same["id_number"])).count() == 1


def test_a_filter_on_an_encrypted_column_is_refused_not_silently_empty(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=1, materials=False)
    with pytest.raises(FieldError, match="blind index"):
        list(app.employees.filter(id_number=h.employee_data(1)["id_number"]))


def test_rotation_keeps_every_row_readable(settings, staff, enterprise_xy, ds, enterprise_ds, personas):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PII_KEYS = [old]
    apps = [h.draft(staff, enterprise_xy, employees=3, materials=False),
            h.draft(personas["staff_ds"], enterprise_ds, employees=2, materials=False)]
    before = [plain_values(a) for a in apps]
    tokens_before = {r["id"]: r["name"] for r in raw_rows()}

    # Rotation: the new key first, the old one still there to read the rows, then the command.
    settings.PII_KEYS = [new, old]
    call_command("pii_rotate", batch_size=2, stdout=open(os.devnull, "w"))  # noqa: SIM115
    # The old key is dropped: every row still reads back the same, with the new key alone.
    settings.PII_KEYS = [new]
    assert [plain_values(a) for a in apps] == before
    raw = raw_rows()
    assert len(raw) == 5
    for row in raw:
        assert row["name"] != tokens_before[row["id"]]
        Fernet(new.encode()).decrypt(row["name"].encode())  # under the new key
    # Without the rotation the old rows would not read with the new key alone.
    settings.PII_KEYS = [old]
    with pytest.raises(Exception, match="could not be decrypted"):
        plain_values(apps[0])


def test_rotation_of_the_index_key_keeps_duplicates_found(settings, staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=2, materials=False)
    settings.PII_INDEX_KEY = "a-new-index-key"
    call_command("pii_rotate", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with pytest.raises(DomainError):
        employee_add(user=staff, application=app, data=h.employee_data(2))
    assert raw_rows(app)[1]["id_index"] == blind_index(h.employee_data(2)["id_number"])


def test_the_data_migration_encrypts_plaintext_rows_and_is_idempotent(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=2, materials=False)
    plain = plain_values(app)
    # Rows as they were before the migration: plaintext, no index (a placeholder here, the constraint
    # being in place already).
    with connection.cursor() as cursor:
        for employee, row in zip(app.employees.order_by("pk"), plain, strict=True):
            cursor.execute(
                "UPDATE approvals_returningemployee SET name=%s, id_number=%s, mobile=%s, residence=%s, "
                "travel_history=%s, health_status=%s, id_index=%s WHERE id=%s",
                [*(row[f] for f in PLAIN), f"none-{employee.pk}", employee.pk])
    migration = importlib.import_module("approvals.migrations.0006_returning_employees_encrypted")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.encrypt_existing(None, editor)
    once = raw_rows(app)
    assert plain_values(app) == plain
    assert all(r[f].startswith("gAAAAA") for r in once for f in PLAIN)
    assert [r["id_index"] for r in once] == [blind_index(p["id_number"]) for p in plain]
    migration.encrypt_existing(None, editor)  # run twice: tokens stay as they are
    assert raw_rows(app) == once
    migration.decrypt_existing(None, editor)  # and it reverses
    assert [r["id_number"] for r in raw_rows(app)] == [p["id_number"] for p in plain]


# --- masked everywhere but for the reviewers; each unmasked view in the audit trail ------------------------

def test_an_unmasked_view_is_audited_a_masked_one_is_not(client_for, staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=2, materials=False)
    employee = app.employees.first()
    url = reverse("approvals:detail", args=[app.pk])
    page = client_for("staff_xy").get(url)
    assert employee.id_number in page.text
    entries = list(AuditEntry.objects.filter(action="roster.view_unmasked", target_id=app.pk))
    assert len(entries) == 1 and entries[0].actor == staff and entries[0].after == {"employees": 2}
    # Counts only: no personal data in the trail.
    assert employee.id_number not in json.dumps([e.before for e in entries] + [e.after for e in entries])

    masked = client_for("taskforce").get(url)  # sees the small enterprise's application, does not review it
    assert masked.status_code == 200
    assert employee.id_number not in masked.text and employee.id_masked in masked.text
    assert employee.mobile not in masked.text and employee.residence not in masked.text
    assert AuditEntry.objects.filter(action="roster.view_unmasked", target_id=app.pk).count() == 1


def test_the_audit_page_labels_the_new_actions():
    from zhifu_reopen.audit_display import ACTION_LABELS

    for code in ("roster.view_unmasked", "roster.export", "roster.purge"):
        assert code in ACTION_LABELS


def test_the_admin_shows_masks_only(client, staff, enterprise_xy, django_user_model):
    app = h.draft(staff, enterprise_xy, employees=1, materials=False)
    employee = app.employees.get()
    admin = django_user_model.objects.create_superuser("root-pii", "root@example.com", "zhifu-test-pw")
    client.force_login(admin)
    listing = client.get(reverse("admin:approvals_returningemployee_changelist")).text
    one = client.get(reverse("admin:approvals_returningemployee_change", args=[employee.pk])).text
    for text in (listing, one):
        assert employee.id_number not in text and employee.mobile not in text
    assert employee.id_masked in listing


def test_each_export_is_audited_and_masked_but_for_reviewers(client_for, staff, enterprise_xy):
    from openpyxl import load_workbook

    app = h.draft(staff, enterprise_xy, employees=2, materials=False)
    employee = app.employees.order_by("pk").first()
    url = reverse("approvals:roster_export", args=[app.pk])

    def sheet(viewer):
        response = client_for(viewer).get(url)
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        return [[c for c in row] for row in book.active.iter_rows(values_only=True)]

    full = sheet("staff_xy")
    assert full[0] == ["姓名", "身份证号", "手机", "现居住地", "14天内行程", "健康状况"]
    assert full[1] == [employee.name, employee.id_number, employee.mobile, employee.residence,
                       employee.travel_history, "健康"]
    masked = sheet("taskforce")
    assert masked[1][:3] == [employee.name_masked, employee.id_masked, employee.mobile_masked]
    assert employee.id_number not in json.dumps(masked, ensure_ascii=False)
    entries = list(AuditEntry.objects.filter(action="roster.export", target_id=app.pk).order_by("pk"))
    assert [(e.actor.username, e.after) for e in entries] == [
        ("staff_xy", {"employees": 2, "unmasked": True}), ("taskforce", {"employees": 2, "unmasked": False}),
    ]
    # The page offers it and says it is recorded.
    assert 'id="roster-export"' in client_for("staff_xy").get(reverse("approvals:detail", args=[app.pk])).text


def test_an_imported_roster_is_encrypted_and_indexed_too(staff, enterprise_xy):
    """The file import writes with one bulk INSERT: the tokens and the blind index are computed there too."""
    from approvals.services.applications import roster_import

    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    people = [h.employee_data(i) for i in (3, 4)]
    roster_import(user=staff, application=app, upload=h.xlsx(
        [[p["name"], p["id_number"], p["mobile"], p["residence"], p["travel_history"], "健康"] for p in people]))
    raw = raw_rows(app)
    assert [r["id_index"] for r in raw] == [blind_index(p["id_number"]) for p in people]
    assert all(r["id_number"].startswith("gAAAAA") for r in raw)
    with pytest.raises(DomainError):  # and a second import of the same people is refused as duplicates
        roster_import(user=staff, application=app, upload=h.xlsx(
            [[p["name"], p["id_number"], p["mobile"], p["residence"], "", "健康"] for p in people]))
