"""The writer: each batch of valid rows checked against the registry and written (raw inserts of new
enterprises and the audit rows they get, diffed updates of registered ones), all in one transaction, run
either in the calling thread or on a writer thread with its own database connection."""

from __future__ import annotations

import contextlib
import contextvars
import queue
import threading

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifu_reopen.audit import audit_record, request_fields
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

from ...models import Enterprise
from .base import BATCH, COLUMNS, IMPORT_ATTNAMES, MODE_UPDATE, ImportResult, RowError
from .rows import _Lookups

# Fields an import writes; on update, community and grid are cleared when the street changes.
UPDATE_FIELDS = [f for _h, f in COLUMNS if f != "credit_code"]


def _values(row: tuple) -> dict:
    return dict(zip(IMPORT_ATTNAMES, row, strict=True))


class _Writer:
    """Checks each batch against the registry (registered codes: an error, or an update in mode
    "update") and writes it, all in one transaction. Once any row is rejected it stops writing but keeps
    checking, so every problem is reported at once (一次性告知); the transaction is then rolled back."""

    def __init__(self, *, user, result: ImportResult, job, lookups: _Lookups):
        self.user, self.result, self.job, self.lookups = user, result, job, lookups
        self.mode = result.mode
        self.errors: list[RowError] = []
        self.created = self.updated = self.unchanged = 0
        self.reason = _("批量导入：%(name)s") % {"name": result.filename}
        self.post = user.post_label()[:120] if user.pk else ""
        self.now = timezone.now()
        self._atomic = None

    @property
    def failed(self) -> bool:
        return bool(self.errors) or bool(self.result.errors)

    def open(self) -> None:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def batch(self, entries: list[list]) -> None:
        self._check_existing(entries)
        if self.failed:
            return
        creates = [e for e in entries if e[1] is None]
        if creates:
            ids = _insert_enterprises([e[0] for e in creates], self.now)
            _audit_created(ids, creates, user=self.user, post=self.post, reason=self.reason, now=self.now)
            self.created += len(ids)
        updates = [e for e in entries if e[1] is not None]
        if updates:
            self._update(updates)

    def _check_existing(self, entries: list[list]) -> None:
        by_code = {e[0][1]: e for e in entries}
        registered = Enterprise.objects.filter(credit_code__in=list(by_code)).values_list(
            "pk", "credit_code", "jurisdiction_id", "name"
        )
        for pk, code, jurisdiction_id, name in registered:
            entry = by_code[code]
            in_scope = self.lookups.may_import_into(jurisdiction_id)
            if self.mode == MODE_UPDATE and in_scope:
                entry[1] = pk
                continue
            if self.mode == MODE_UPDATE:
                message = _("统一社会信用代码已在其他街道/园区登记，您无权更新该企业。")
            elif in_scope:
                message = _("统一社会信用代码已登记（%(name)s）；如需用本文件更新已登记企业，请选择“更新已登记企业”。") % {
                    "name": name}
            else:
                message = _("统一社会信用代码已在其他街道/园区登记，不能重复登记。")
            self.errors.append(RowError(entry[2], "统一社会信用代码", message))

    def _update(self, entries: list[list]) -> None:
        changes, unchanged = _diff(entries, lock=True)
        self.unchanged += unchanged
        if not changes:
            return
        for enterprise, _before, _after in changes:
            enterprise.updated_at = self.now
        Enterprise.objects.bulk_update(
            [c[0] for c in changes], [*UPDATE_FIELDS, "community", "grid", "updated_at"], batch_size=BATCH
        )
        AuditEntry.objects.bulk_create(
            [_enterprise_entry(self.user, self.post, "enterprise.update", enterprise, before, after, self.reason, self.now)
             for enterprise, before, after in changes],
            batch_size=BATCH,
        )
        self.updated += len(changes)

    def close(self, commit: bool) -> None:
        atomic, self._atomic = self._atomic, None
        if atomic is None:
            return
        if commit:
            try:
                summary = {"filename": self.result.filename, "mode": self.mode, **self.result.counts()}
                audit_record(actor=self.user, action="enterprise.import", target=self.job or self.user,
                             after=summary, reason=self.reason, post=self.post)
            except BaseException as exc:
                atomic.__exit__(type(exc), exc, exc.__traceback__)
                raise
        else:
            transaction.set_rollback(True)
        atomic.__exit__(None, None, None)

    def abort(self, exc: BaseException) -> None:
        atomic, self._atomic = self._atomic, None
        if atomic is not None:
            atomic.__exit__(type(exc), exc, exc.__traceback__)


class _InlineRunner:
    """The writer in the calling thread (SQLite, or inside a surrounding transaction such as a test's)."""

    def __init__(self, writer: _Writer):
        self.writer = writer

    def start(self) -> None:
        self.writer.open()

    def put(self, entries: list[list]) -> None:
        try:
            self.writer.batch(entries)
        except BaseException as exc:
            self.writer.abort(exc)
            raise

    def drain(self) -> None:
        pass

    def stop(self, *, commit: bool) -> None:
        self.writer.close(commit)


_STOP = object()


class _ThreadRunner(threading.Thread):
    """The writer on its own thread and database connection: PostgreSQL inserts one batch while the
    reader parses the next. The queue is short, so memory stays flat whatever the file size."""

    def __init__(self, writer: _Writer):
        super().__init__(name="enterprise-import-writer", daemon=True)
        self.writer = writer
        self.batches: queue.Queue = queue.Queue(maxsize=3)
        self.decision: queue.Queue = queue.Queue(maxsize=1)
        self.drained = threading.Event()
        self.error: BaseException | None = None
        # The request's context (request id, address) for the audit entries this thread writes.
        self.context = contextvars.copy_context()

    def run(self) -> None:
        self.context.run(self._run)

    def _run(self) -> None:
        try:
            self.writer.open()
            try:
                while (entries := self.batches.get()) is not _STOP:
                    self.writer.batch(entries)
                self.drained.set()
                commit = self.decision.get()
            except BaseException as exc:
                self.writer.abort(exc)
                raise
            self.writer.close(commit)
        except BaseException as exc:
            self.error = exc
        finally:
            self.drained.set()
            connection.close()  # this thread's own connection

    def put(self, entries) -> None:
        while True:
            if self.error is not None:
                raise self.error
            try:
                self.batches.put(entries, timeout=0.5)
                return
            except queue.Full:
                if not self.is_alive():
                    if self.error is not None:
                        raise self.error from None
                    raise RuntimeError("import writer stopped") from None

    def drain(self) -> None:
        self.put(_STOP)
        self.drained.wait()
        if self.error is not None:
            raise self.error

    def stop(self, *, commit: bool) -> None:
        if self.is_alive():
            while not self.drained.is_set() and self.is_alive():
                with contextlib.suppress(queue.Full):
                    self.batches.put(_STOP, timeout=0.5)
                    break
            self.drained.wait()
            with contextlib.suppress(queue.Full):
                self.decision.put_nowait(commit)
            self.join()
        if self.error is not None and commit:
            raise self.error


def _insert_enterprises(rows: list[tuple], now) -> list[int]:
    """Insert new enterprises; returns their ids. On PostgreSQL one multi-row ``INSERT … RETURNING id`` per
    batch with the model's defaults filled in here (Django's bulk_create spends more time preparing values
    than PostgreSQL spends inserting them); elsewhere bulk_create."""
    if connection.vendor != "postgresql":
        enterprises = Enterprise.objects.bulk_create([Enterprise(**_values(r)) for r in rows], batch_size=BATCH)
        return [enterprise.pk for enterprise in enterprises]
    fields = [f for f in Enterprise._meta.concrete_fields if not f.primary_key]
    stamps = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    q = connection.ops.quote_name
    sql_values, params = [], []
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for row in rows:
        given = _values(row)
        for f in fields:
            if f.attname in given:
                params.append(given[f.attname])
            elif f.attname in stamps:
                params.append(now)
            else:
                params.append(f.get_db_prep_save(f.get_default(), connection))
        sql_values.append(row_placeholder)
    sql = (f"INSERT INTO {q(Enterprise._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "  # nosec B608: quoted identifiers and %s placeholders only; values are bound
           f"VALUES {', '.join(sql_values)} RETURNING {q(Enterprise._meta.pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # nosemgrep: raw-sql-format -- quoted identifiers, values bound
        return [r[0] for r in cursor.fetchall()]


def _audit_created(ids: list[int], chunk: list, *, user, post: str, reason: str, now) -> None:
    """One ``enterprise.create`` entry per new enterprise (its history shows the import). On PostgreSQL and
    SQLite the entries are built by the database from the rows just inserted (INSERT … SELECT): no Python
    object per entry, which keeps a 40,000-row import near the cost of reading the file."""
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        enterprises = Enterprise.objects.in_bulk(ids)
        AuditEntry.objects.bulk_create(
            [_enterprise_entry(user, post, "enterprise.create", enterprises[pk], None, _public(entry[0]), reason, now)
             for pk, entry in zip(ids, chunk, strict=True)],
            batch_size=BATCH,
        )
        return
    q = connection.ops.quote_name
    build = "jsonb_build_object" if vendor == "postgresql" else "json_object"
    pairs = ", ".join(f"'{key}', e.{q(key)}" for key in IMPORT_ATTNAMES)
    columns = ", ".join(q(c) for c in ("created_at", "actor_id", "post", "action", "target_type", "target_id",
                                       "target_repr", "enterprise_id", "before", "after", "reason",
                                       "request_id", "address", "path"))
    sql = (
        f"INSERT INTO {q(AuditEntry._meta.db_table)} ({columns}) "  # nosec B608: quoted identifiers and %s placeholders only; values are bound
        f"SELECT %s, %s, %s, 'enterprise.create', 'enterprises.enterprise', e.id, substr(e.name, 1, 300), e.id, "
        f"NULL, {build}({pairs}), %s, %s, %s, %s FROM {q(Enterprise._meta.db_table)} e "
        f"WHERE e.id IN ({', '.join(['%s'] * len(ids))})"
    )
    request = request_fields()
    params = [connection.ops.adapt_datetimefield_value(now), user.pk, post, reason,
              request["request_id"], request["address"], request["path"], *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # nosemgrep: raw-sql-format -- quoted identifiers, values bound


def _public(row: tuple) -> dict:
    values = _values(row)
    return {k: v for k, v in values.items() if v not in ("", None)}


def _enterprise_entry(user, post, action, enterprise, before, after, reason, now) -> AuditEntry:
    return AuditEntry(
        created_at=now, actor=user if user.pk else None, post=post, action=action,
        target_type="enterprises.enterprise", target_id=enterprise.pk, target_repr=str(enterprise)[:300],
        enterprise_id=enterprise.pk, before=before, after=after, reason=reason, **request_fields(),
    )


def _diff(chunk: list, *, lock: bool) -> tuple[list, int]:
    """Existing enterprises of ``chunk`` that the row changes, as (enterprise, before, after); and how many
    are unchanged. The enterprises are modified in memory."""
    by_id = {entry[1]: entry for entry in chunk}
    qs = Enterprise.objects.filter(pk__in=by_id)
    enterprises = list(qs.select_for_update() if lock else qs)
    if len(enterprises) != len(by_id):
        raise DomainError(_("导入期间有企业被他人删除，本次导入已全部撤销，请重新导入。"), code="conflict")
    changes, unchanged = [], 0
    for enterprise in enterprises:
        before, after = {}, {}
        for key, value in _values(by_id[enterprise.pk][0]).items():
            if key != "credit_code" and getattr(enterprise, key) != value:
                before[key], after[key] = getattr(enterprise, key), value
                setattr(enterprise, key, value)
        if not after:
            unchanged += 1
            continue
        if "jurisdiction_id" in after and (enterprise.community_id or enterprise.grid_id):
            before["community_id"], before["grid_id"] = enterprise.community_id, enterprise.grid_id
            after["community_id"] = after["grid_id"] = None
            enterprise.community_id = enterprise.grid_id = None
        changes.append((enterprise, before, after))
    return changes, unchanged
