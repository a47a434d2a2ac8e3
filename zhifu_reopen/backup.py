"""Backup and restore of the database and the media (issue 13, item 10): ``manage.py backup PATH`` and
``manage.py restore PATH``.

The archive is one uncompressed ``.tar``:

- ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``, taken in the same snapshot as the row
  counts) or ``database.sqlite3`` (SQLite: a consistent copy through SQLite's backup API);
- ``media/<name>`` for every file of Django's default storage (read and written through the storage API,
  so a remote storage works the same);
- ``manifest.json`` (last): format and version, the database vendor, the row count of every table, and the
  size and SHA-256 of every other member.

Restore reads the whole archive and checks it against its manifest before it touches anything: a damaged,
truncated or foreign archive, or one of another database vendor, is refused with a message and nothing is
changed. Then it wipes and restores the database (PostgreSQL: the schema dropped and the dump loaded in one
``psql --single-transaction``, so a failure leaves the database as it was), wipes the media and writes the
archive's, clears the cache, and counts the rows again against the manifest.
Stop web, worker and beat first: restore waits at most ``lock_timeout`` (10 s) for their locks.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "zhifu-reopen-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal, with a message for the operator."""


# --- helpers -------------------------------------------------------------------------------------------

def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing(io.RawIOBase):
    """Reads through to ``fh`` while hashing what was read."""

    def __init__(self, fh):
        self.fh, self.digest, self.size = fh, hashlib.sha256(), 0

    def readable(self):
        return True

    def read(self, n=-1):
        data = self.fh.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def media_names(storage=default_storage, top: str = "") -> Iterator[str]:
    """Every file name in ``storage``, recursively, sorted."""
    try:
        dirs, files = storage.listdir(top)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{top}/{name}" if top else name
    for sub in sorted(dirs):
        yield from media_names(storage, f"{top}/{sub}" if top else sub)


def table_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # nosemgrep: raw-sql-format -- the table name quoted with quote_name, no values
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env(db: dict) -> tuple[list[str], dict]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args, env


def _run(cmd: list[str], env: dict, what: str) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(_("找不到 %(tool)s：请安装 PostgreSQL 客户端工具。") % {"tool": cmd[0]}) from exc
    if done.returncode != 0:
        raise BackupError(_("%(what)s失败：%(error)s") % {"what": what, "error": done.stderr.strip()[-2000:]})


# --- backup --------------------------------------------------------------------------------------------

def backup(path: str | Path) -> dict:
    """Write the archive to ``path`` (through a temporary file, renamed at the end); its manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zhifu-backup-") as tmp:
        tmp = Path(tmp)
        vendor = connection.vendor
        if vendor == "postgresql":
            db_file, tables = tmp / "database.pgdump", _pg_dump(tmp / "database.pgdump")
        elif vendor == "sqlite":
            db_file, tables = tmp / "database.sqlite3", _sqlite_copy(tmp / "database.sqlite3")
        else:
            raise BackupError(_("不支持的数据库：%(vendor)s") % {"vendor": vendor})
        manifest = {
            "format": FORMAT, "version": VERSION, "created_at": timezone.now().isoformat(),
            "database": {"vendor": vendor, "file": db_file.name, "size": db_file.stat().st_size,
                         "sha256": _sha256_file(db_file), "tables": tables},
            "media": {},
        }
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            tar.add(db_file, arcname=db_file.name)
            for name in media_names():
                info = tarfile.TarInfo(f"media/{name}")
                info.size = default_storage.size(name)
                info.mtime = int(timezone.now().timestamp())
                with default_storage.open(name, "rb") as fh:
                    reader = _Hashing(fh)
                    tar.addfile(info, reader)
                if reader.size != info.size:
                    raise BackupError(_("媒体文件 %(name)s 在备份过程中发生变化，请重试。") % {"name": name})
                manifest["media"][name] = {"size": info.size, "sha256": reader.digest.hexdigest()}
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, path)
    return manifest


def _pg_dump(target: Path) -> dict[str, int]:
    """pg_dump in the snapshot the row counts are taken in (one consistent moment)."""
    db = connection.settings_dict
    args, env = _pg_env(db)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = table_counts(cursor, connection.introspection.table_names(cursor))
        _run(["pg_dump", *args, "--format=custom", "--no-password", f"--snapshot={snapshot}",
              "--file", str(target), db["NAME"]], env, _("数据库导出（pg_dump）"))
    return tables


def _sqlite_copy(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        connection.connection.backup(dest)
        cursor = dest.cursor()
        names = [row[0] for row in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        counts = {name: cursor.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in sorted(names)}  # nosemgrep: raw-sql-format -- table names read from sqlite_master, double-quoted, no values
    finally:
        dest.close()
    return counts


# --- restore -------------------------------------------------------------------------------------------

def _safe_member(name: str) -> bool:
    p = PurePosixPath(name)
    return not p.is_absolute() and ".." not in p.parts and name == str(p)


def archive_check(path: str | Path, tmp: Path) -> dict:
    """Read and check the whole archive (every member against the manifest), extracting the database file
    into ``tmp``; the manifest. Raises BackupError on anything amiss."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("找不到备份文件 %(path)s。") % {"path": path})
    try:
        tar = tarfile.open(path, "r:")  # noqa: SIM115 (closed by the with below)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(_("%(path)s 不是本系统的备份文件（无法作为 tar 归档读取）。") % {"path": path}) from exc
    with tar:
        try:
            members = {m.name: m for m in tar.getmembers()}
            if MANIFEST not in members:
                raise BackupError(_("%(path)s 不是本系统的备份文件（没有清单 manifest.json）。") % {"path": path})
            manifest = json.loads(tar.extractfile(members[MANIFEST]).read().decode())
        except (tarfile.TarError, OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
            raise BackupError(_("备份文件已损坏：%(error)s") % {"error": exc}) from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(_("%(path)s 不是本系统的备份文件（清单格式不符）。") % {"path": path})
        if manifest.get("version") != VERSION:
            raise BackupError(_("备份格式版本 %(version)s 不受支持（本系统为 %(ours)s）。") % {
                "version": manifest.get("version"), "ours": VERSION})
        db = manifest.get("database") or {}
        media = manifest.get("media") or {}
        if db.get("vendor") != connection.vendor:
            raise BackupError(_("备份来自 %(theirs)s 数据库，当前数据库是 %(ours)s，不能恢复。") % {
                "theirs": db.get("vendor"), "ours": connection.vendor})
        expected = {db.get("file"): db} | {f"media/{name}": entry for name, entry in media.items()}
        found = set(members) - {MANIFEST}
        if found != set(expected):
            missing, extra = sorted(set(expected) - found), sorted(found - set(expected))
            raise BackupError(_("备份文件与其清单不符（缺少 %(missing)s，多出 %(extra)s）。") % {
                "missing": ", ".join(missing[:5]) or "-", "extra": ", ".join(extra[:5]) or "-"})
        for name, entry in expected.items():
            member = members[name]
            if not member.isfile() or not _safe_member(name):
                raise BackupError(_("备份文件中的 %(name)s 不是普通文件。") % {"name": name})
            digest = hashlib.sha256()
            out = open(tmp / db["file"], "wb") if name == db["file"] else None  # noqa: SIM115
            try:
                fh = tar.extractfile(member)
                for chunk in iter(lambda fh=fh: fh.read(CHUNK), b""):
                    digest.update(chunk)
                    if out:
                        out.write(chunk)
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise BackupError(_("备份文件已损坏：%(error)s") % {"error": exc}) from exc
            finally:
                if out:
                    out.close()
            if member.size != entry.get("size") or digest.hexdigest() != entry.get("sha256"):
                raise BackupError(_("备份文件已损坏：%(name)s 的校验和与清单不符。") % {"name": name})
    return manifest


def restore(path: str | Path) -> dict:
    """Check the archive, then wipe and restore the database and the media; the manifest. Counts every
    table again afterwards and raises BackupError when one differs from the manifest."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    with tempfile.TemporaryDirectory(prefix="zhifu-restore-") as tmp:
        tmp = Path(tmp)
        manifest = archive_check(path, tmp)
        db_file = tmp / manifest["database"]["file"]
        if connection.vendor == "postgresql":
            _pg_restore(db_file, tmp)
        else:
            _sqlite_restore(db_file)
        ContentType.objects.clear_cache()
        _media_restore(path, manifest)
    cache.clear()  # cached users, scopes and sessions of the database that was
    with connection.cursor() as cursor:
        counts = table_counts(cursor, list(manifest["database"]["tables"]))
    differ = {t: (n, counts.get(t)) for t, n in manifest["database"]["tables"].items() if counts.get(t) != n}
    if differ:
        raise BackupError(_("恢复后的行数与备份不符：%(tables)s") % {
            "tables": ", ".join(f"{t} {a}→{b}" for t, (a, b) in sorted(differ.items())[:10])})
    return manifest


def _pg_restore(dump: Path, tmp: Path) -> None:
    db = connection.settings_dict
    args, env = _pg_env(db)
    script = tmp / "database.sql"
    _run(["pg_restore", "--file", str(script), str(dump)], env, _("读取数据库备份（pg_restore）"))
    wrapper = tmp / "restore.sql"
    wrapper.write_text(
        "SET lock_timeout = '10s';\n"
        "DROP SCHEMA IF EXISTS public CASCADE;\n"
        "CREATE SCHEMA public;\n"
        # PostgreSQL's own public schema (15: owned by pg_database_owner, USAGE for everybody); the dump's
        # ALTER / GRANT / REVOKE on it, if it had others, follow.
        "DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pg_database_owner') THEN "
        "ALTER SCHEMA public OWNER TO pg_database_owner; END IF; END$$;\n"
        "GRANT USAGE ON SCHEMA public TO PUBLIC;\n"
        "COMMENT ON SCHEMA public IS 'standard public schema';\n"
        f"\\i '{script}'\n"
    )
    connections.close_all()
    _run(["psql", *args, "--no-password", "--no-psqlrc", "--quiet", "--single-transaction",
          "--set", "ON_ERROR_STOP=1", "--dbname", db["NAME"], "--file", str(wrapper)], env,
         _("恢复数据库（数据库未改动；若提示锁等待超时，请先停止 web、worker 和 beat）"))


def _sqlite_restore(copy: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    connections.close_all()
    staged = target.with_name(target.name + ".restoring")
    shutil.copyfile(copy, staged)
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{target}{suffix}")
    os.replace(staged, target)


def _media_restore(path: str | Path, manifest: dict) -> None:
    for name in list(media_names()):
        default_storage.delete(name)
    with tarfile.open(path, "r:") as tar:
        for name in sorted(manifest["media"]):
            fh = tar.extractfile(f"media/{name}")
            saved = default_storage.save(name, File(fh, name=PurePosixPath(name).name))
            if saved != name:
                raise BackupError(_("媒体文件 %(name)s 未能按原名恢复（存为 %(saved)s）。") % {
                    "name": name, "saved": saved})
