"""The entry points: who may import, :func:`enterprise_import` (read, validate and write a whole file, or
nothing), and the background job that runs a large import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import scope_for
from zhifu_reopen.errors import DomainError
from zhifu_reopen.jobs import job_create, job_enqueue, job_fail, job_finish, job_progress, job_running
from zhifu_reopen.models import AuditEntry
from zhifu_reopen.sheets import Sheet

from .base import HEADERS, MODE_REPORT, MODES, ImportResult
from .files import _open
from .rows import _Lookups, _read_rows
from .writer import _InlineRunner, _ThreadRunner, _Writer

# The Celery task that runs an import job (enterprises.tasks binds import_job_run to this name): the
# service queues it by name and the tasks module imports the service, not the other way round.
IMPORT_TASK = "enterprises.import"


def _require_importer(user) -> None:
    if user is None or not user.is_active:
        raise DomainError(_("需要登录后才能导入。"), code="forbidden")
    if user.is_superuser:
        return
    scope = scope_for(user)
    if scope.role != Role.STREET_STAFF or not scope.jurisdiction_ids:
        raise DomainError(_("只有街道/园区工作人员可以导入本辖区企业。"), code="forbidden")


def enterprise_import(
    *, user, file, filename: str, mode: str = MODE_REPORT, dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None, job=None,
) -> ImportResult:
    """Validate every row of ``file`` and write them all in one transaction, committed only when no row
    is rejected and it is not a dry run (a dry run does the same work and rolls it back, so its counts
    are exact). Raises ImportFileError for a file that cannot be read at all, DomainError when the user
    may not import. ``progress(done, total)`` is called every 2,000 rows; ``job`` (optional) is the
    background job the summary audit entry points at.

    Rows are validated as the file streams; every 2,000 valid rows are checked against the registry and
    written. On PostgreSQL, outside a surrounding transaction, a writer thread with its own connection
    does that while the next rows are parsed, so the database works while Python reads the file."""
    if mode not in MODES:
        raise DomainError(_("未知的导入方式。"), code="mode")
    _require_importer(user)
    sheet = _open(file, filename)
    result = ImportResult(filename=filename, mode=mode, dry_run=dry_run)
    lookups = _Lookups(user)
    writer = _Writer(user=user, result=result, job=job, lookups=lookups)
    threaded = (connection.vendor == "postgresql" and not connection.in_atomic_block
                and getattr(settings, "IMPORT_WRITER_THREAD", True))
    runner = _ThreadRunner(writer) if threaded else _InlineRunner(writer)
    try:
        _run(runner, sheet, lookups, result, progress, writer)
    except IntegrityError as exc:
        raise DomainError(
            _("导入时发现有企业刚被他人登记（统一社会信用代码重复），本次导入已全部撤销，请重新导入。"),
            code="conflict",
        ) from exc
    return result


def _run(runner, sheet: Sheet, lookups: _Lookups, result: ImportResult, progress, writer) -> None:
    runner.start()
    try:
        _read_rows(sheet, lookups, result, progress, runner.put)
        runner.drain()
    except BaseException:
        runner.stop(commit=False)
        raise
    finally:
        sheet.close()
    result.errors.extend(writer.errors)
    result.errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 99))
    commit = not result.errors and not result.dry_run
    if result.errors:
        writer.created = writer.updated = writer.unchanged = 0
    result.created, result.updated, result.unchanged = writer.created, writer.updated, writer.unchanged
    runner.stop(commit=commit)
    result.written = commit


def enterprise_import_start(*, user, file, filename: str, mode: str, dry_run: bool, rows_estimate=None):
    """Queue a large import on a worker: a Job with the uploaded file; the task calls
    :func:`enterprise_import`. The file must already have passed :func:`import_inspect`."""
    if mode not in MODES:
        raise DomainError(_("未知的导入方式。"), code="mode")
    _require_importer(user)
    with transaction.atomic():
        job = job_create(
            kind="enterprise_import", user=user, total=rows_estimate or 0,
            params={"filename": filename, "mode": mode, "dry_run": bool(dry_run)},
        )
        file.seek(0)
        suffix = PurePath(filename).suffix.lower()
        job.input_file.save(f"import-{job.pk}{suffix}", File(file), save=True)
        job_enqueue(job, IMPORT_TASK)
    return job


def import_result_for_job(job) -> dict | None:
    """The summary of an import already committed for ``job`` (a re-delivered task must not run it
    twice)."""
    entry = AuditEntry.objects.filter(
        action="enterprise.import", target_type=job._meta.label_lower, target_id=job.pk
    ).first()
    return None if entry is None else entry.after


JOB_MAX_ERRORS = 2000


def import_job_run(job_id: int) -> None:
    """Body of the import task: run the import saved on the job and record its result. Idempotent: a
    finished job, or one whose import already committed, is not run again."""
    with job_running(job_id) as job:
        if job is None:
            return
        _import_job_body(job)


def _import_job_body(job) -> None:
    job_id = job.pk
    committed = import_result_for_job(job)
    if committed is not None:  # the import committed but the job was not closed (worker lost)
        job_finish(job, result={"summary": _("导入已完成（新增%(created)d家、更新%(updated)d家）。") % committed})
        return
    params = job.params
    try:
        with job.input_file.open("rb") as file:
            result = enterprise_import(
                user=job.created_by, file=file, filename=params.get("filename", file.name),
                mode=params.get("mode", MODE_REPORT), dry_run=params.get("dry_run", False),
                progress=lambda done, total: job_progress(job_id, done, total), job=job,
            )
    except DomainError as exc:  # the file or the user was refused: a person must act, no retry
        job_fail(job_id, exc.message)
        return
    data = result.as_dict(max_errors=JOB_MAX_ERRORS)
    if result.errors:
        if len(result.errors) > JOB_MAX_ERRORS:
            data["summary"] += " " + _("共%(n)d处错误，下表仅列出前%(max)d处；改正后可先“试导入”再次检查。") % {
                "n": len(result.errors), "max": JOB_MAX_ERRORS}
        job.result = data
        job.save(update_fields=["result"])
        job_fail(job_id, _("导入未通过校验，未写入任何数据。"))
        return
    job_finish(job, result=data)
