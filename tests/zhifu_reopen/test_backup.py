"""``manage.py backup`` / ``manage.py restore`` (issue 13, item 10): seed, back up, wipe, restore — the same
rows in every table, the placard's QR target verifies, its PDF and the materials download; a damaged or
foreign archive is refused and nothing is touched."""

import io
import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from approvals.models import Material
from placards.models import Placard
from tests.placards.helpers import approve
from zhifu_reopen.backup import media_names, table_counts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def public_schema() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspowner::regrole::text, nspacl::text, obj_description(oid, 'pg_namespace') "
                       "FROM pg_namespace WHERE nspname = 'public'")
        return cursor.fetchone()


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return table_counts(cursor, connection.introspection.table_names(cursor))


@pytest.fixture
def world(enterprise_xy, personas, settings):
    """An approved application with its placard (PDF rendered by the eager task) and two materials."""
    settings.PLACARD_VERIFY_RATE_LIMIT = 0
    placard = approve(enterprise_xy, personas["secretary_xy"])
    placard.refresh_from_db()
    assert placard.pdf, "the placard's PDF was rendered"
    for kind, body in (("plan", b"%PDF-1.4 plan"), ("pledge", "承诺书".encode() * 100)):
        material = Material(application=placard.application, kind=kind, original_name=f"{kind}.pdf",
                            content_type="application/pdf", extension="pdf", uploaded_token="t" * 32,
                            size=len(body), uploaded_by=personas["staff_xy"])
        material.file.save(f"{kind}.pdf", ContentFile(body), save=True)
    return placard


def wipe() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    for name in list(media_names()):
        default_storage.delete(name)
    assert not list(media_names())


def test_round_trip(world, personas, tmp_path, capsys):
    placard = world
    pdf = placard.pdf.read()
    materials = {m.file.name: m.file.read() for m in Material.objects.all()}
    before, schema = counts(), public_schema()
    media_before = sorted(media_names())
    assert before["placards_placard"] == 1 and before["approvals_material"] == 2 and len(media_before) >= 3

    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive))
    assert "已备份到" in capsys.readouterr().out
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["vendor"] == "postgresql" and manifest["database"]["tables"] == before
    assert sorted(manifest["media"]) == media_before

    wipe()
    call_command("restore", str(archive), interactive=False)
    assert "行数核对一致" in capsys.readouterr().out

    assert counts() == before
    assert public_schema() == schema  # owner and grants of the schema as PostgreSQL makes it
    assert sorted(media_names()) == media_before
    restored = Placard.objects.get()
    assert restored.token == placard.token and restored.number == placard.number
    verify = Client(REMOTE_ADDR="203.0.113.9").get(restored.qr_url or reverse("placard_verify", args=[restored.token]))
    assert verify.status_code == 200 and 'data-status="valid"' in verify.content.decode()
    staff = Client()
    staff.force_login(personas["staff_xy"].__class__.objects.get(username="staff_xy"))
    download = staff.get(reverse("placards:download", args=[restored.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    for name, body in materials.items():
        with default_storage.open(name, "rb") as fh:
            assert fh.read() == body


def _refused(archive, message: str) -> None:
    before, media_before = counts(), sorted(media_names())
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(archive), interactive=False)
    assert counts() == before and sorted(media_names()) == media_before  # nothing touched


def test_a_damaged_archive_is_refused_and_nothing_is_touched(world, tmp_path):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive))
    data = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        member = tar.getmember("database.pgdump")
    data[member.offset_data + member.size // 2] ^= 0xFF  # one flipped byte in the dump
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    _refused(damaged, "校验和与清单不符")
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(bytes(data[: len(data) // 2]))
    _refused(truncated, "损坏|不是本系统的备份文件")


def test_a_foreign_archive_is_refused(world, tmp_path):
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as tar:
        body = b'{"format": "something-else"}'
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    _refused(foreign, "清单格式不符")
    plain = tmp_path / "notes.tar"
    plain.write_text("这不是归档")
    _refused(plain, "不是本系统的备份文件")
    other_vendor = tmp_path / "sqlite.tar"
    with tarfile.open(other_vendor, "w") as tar:
        body = json.dumps({"format": "zhifu-reopen-backup", "version": 1,
                           "database": {"vendor": "sqlite", "file": "database.sqlite3"}, "media": {}}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    _refused(other_vendor, "备份来自 sqlite 数据库")
