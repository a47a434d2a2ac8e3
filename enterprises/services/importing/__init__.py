"""Import of enterprises from ``.xlsx`` and ``.csv`` files (issue 2 §7).

Policy: **the whole file or nothing.** Every row is validated first; if any row is rejected nothing is
written and the result lists every rejected row (row number, column, reason in Chinese). Otherwise all rows
are written in one transaction (``bulk_create`` / ``bulk_update`` in batches of 2,000), with one summary
audit entry (``enterprise.import``) and one ``enterprise.create`` / ``enterprise.update`` entry per enterprise
so each enterprise's history says where it came from.

An existing credit code is either updated (mode ``update``) or reported as an error (mode ``report``).
A street official imports only enterprises of their own jurisdictions. Problems with the file itself (type,
headers, size, row count) raise :class:`ImportFileError` before anything is read further.

The package, by step: ``files`` (the upload checked, read and its header mapped; :func:`import_inspect`),
``rows`` (each row validated as the file streams), ``writer`` (batches checked against the registry and
written, inline or on a writer thread), ``service`` (the entry points and the job); ``base`` holds what they
share. The names below are the public ones; they are re-exported for reading, so a test that changes a limit
patches the module that uses it.
"""

from .base import (
    COLUMNS,
    EXAMPLE_ROW,
    HEADERS,
    IGNORED_HEADERS,
    IMPORT_ATTNAMES,
    MAX_ROWS,
    MODE_REPORT,
    MODE_UPDATE,
    MODES,
    REQUIRED,
    ImportFileError,
    ImportResult,
    RowError,
)
from .files import FileInfo, import_inspect
from .service import (
    IMPORT_TASK,
    JOB_MAX_ERRORS,
    enterprise_import,
    enterprise_import_start,
    import_job_run,
    import_result_for_job,
)

__all__ = [
    "COLUMNS",
    "EXAMPLE_ROW",
    "HEADERS",
    "IGNORED_HEADERS",
    "IMPORT_ATTNAMES",
    "IMPORT_TASK",
    "JOB_MAX_ERRORS",
    "MAX_ROWS",
    "MODES",
    "MODE_REPORT",
    "MODE_UPDATE",
    "REQUIRED",
    "FileInfo",
    "ImportFileError",
    "ImportResult",
    "RowError",
    "enterprise_import",
    "enterprise_import_start",
    "import_inspect",
    "import_job_run",
    "import_result_for_job",
]
