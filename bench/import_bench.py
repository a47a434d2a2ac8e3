"""Import benchmark (issue 2): a 40,736-row .xlsx built from the demo generator, imported end to end through
the service on the current database, against only reading the same file with openpyxl read-only.

    run(tmpdir) -> [{"figure", "value", "unit"}, …]
        import_40736_s       end-to-end ``enterprise_import`` (validation, lookups, bulk_create in batches of
                             2,000 in one transaction, audit entries), wall time
        import_parse_only_s  iterating every row of the same file with openpyxl read_only (values only)
        import_ratio         the two divided (goal ≤ 0.5: the import reads with calamine, issue 12)
        import_peak_mb       peak RSS of the process that ran the import (goal ≤ 200 MB)
        import_read_calamine_s / import_read_fastexcel_s
                             only reading the same file with python-calamine / fastexcel (the candidates;
                             fastexcel only where it is installed: it is not a dependency)
        import_xls_40736_s   the same rows saved as .xls by LibreOffice, imported end to end (and its ratio
                             to openpyxl reading the .xlsx); only where LibreOffice is installed

Memory is measured in a subprocess (``python -m bench.import_bench --child``): its own peak (``VmHWM``) at the end,
so the figure is the import's own process — Django and the app loaded, the workbook streamed, the rows
validated and written — not whatever the bench runner holds. The timed import runs in that subprocess too
(timer around the service call only). The imported enterprises (credit codes from serial 5,000,001 on, so they
never collide with the seeded ones) and their audit entries are deleted afterwards, so later figures see
the database as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .common import peak_kb_of_this_process

ROWS = 40_736
START_SERIAL = 5_000_001
BENCH_USER = "bench_importer"


def build_file(path: Path, rows: int = ROWS) -> Path:
    """The demo generator's enterprises written as an import file (template headers and labels)."""
    from openpyxl import Workbook

    from enterprises.choices import CATEGORY_IMPORT_LABELS, SCALE_IMPORT_LABELS
    from enterprises.demo import build_enterprises
    from enterprises.services.importing import HEADERS

    scales = {code: label for label, code in SCALE_IMPORT_LABELS.items()}
    categories = {code: label for label, code in CATEGORY_IMPORT_LABELS.items()}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业")
    sheet.append(HEADERS)
    for start in range(0, rows, 5000):
        for enterprise in build_enterprises(min(5000, rows - start), start_serial=START_SERIAL + start):
            sheet.append([
                enterprise.name, enterprise.credit_code, scales[enterprise.scale], categories[enterprise.category], enterprise.jurisdiction.name,
                enterprise.department.name if enterprise.department else "", enterprise.address, enterprise.legal_representative,
                enterprise.prevention_contact, enterprise.prevention_mobile, enterprise.employee_count,
            ])
    book.save(path)
    return path


def parse_only(path: Path) -> tuple[float, int]:
    import openpyxl

    started = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = 0
    for _row in book.worksheets[0].iter_rows(values_only=True):
        count += 1
    book.close()
    return time.perf_counter() - started, count


def read_calamine(path: Path) -> float:
    import python_calamine

    started = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    count = sum(1 for _row in book.get_sheet_by_index(0).iter_rows())
    book.close()
    assert count > 0
    return time.perf_counter() - started


def read_fastexcel(path: Path) -> float | None:
    try:
        import fastexcel
    except ImportError:
        return None
    started = time.perf_counter()
    assert fastexcel.read_excel(str(path)).load_sheet(0, header_row=None).height > 0
    return time.perf_counter() - started


def to_xls(path: Path) -> Path | None:
    """The same workbook saved by LibreOffice as .xls, or None where LibreOffice is not installed."""
    import shutil

    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        return None
    subprocess.run([binary, f"-env:UserInstallation=file://{path.parent}/lo-profile", "--headless", "--norestore",
                    "--convert-to", "xls:MS Excel 97", "--outdir", str(path.parent), str(path)],
                   capture_output=True, timeout=900, check=False)
    out = path.with_suffix(".xls")
    return out if out.exists() else None


def _bench_user():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user, created = User.objects.get_or_create(username=BENCH_USER, defaults={"is_superuser": True,
                                                                             "is_staff": True})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _cleanup(rows: int) -> None:
    """The bench's enterprises go; their audit entries stay (the trail is append-only)."""
    from django.db import transaction

    from enterprises.models import Enterprise
    from enterprises.validators import make_credit_code

    codes = [make_credit_code("370602", serial) for serial in range(START_SERIAL, START_SERIAL + rows)]
    with transaction.atomic():
        for start in range(0, len(codes), 2000):
            ids = list(Enterprise.objects.filter(credit_code__in=codes[start:start + 2000]).values_list("pk", flat=True))
            Enterprise.objects.filter(pk__in=ids).delete()


def _child(path: str) -> None:
    """Runs in the subprocess: one import, then its figures as JSON on the last stdout line."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifu_reopen.settings")
    django.setup()
    from django.contrib.auth import get_user_model

    from enterprises.services.importing import enterprise_import

    user = get_user_model().objects.get(username=BENCH_USER)
    started = time.perf_counter()
    with open(path, "rb") as file:
        result = enterprise_import(user=user, file=file, filename=Path(path).name, mode="report", dry_run=False)
    seconds = time.perf_counter() - started
    peak_kb = peak_kb_of_this_process()
    print(json.dumps({
        "seconds": seconds, "peak_mb": peak_kb / 1024, "created": result.created,
        "errors": [e.as_dict() for e in result.errors[:5]],
    }))


def _import_in_child(path: Path, rows: int) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "zhifu_reopen.settings")}
    root = Path(__file__).resolve().parent.parent
    _cleanup(rows)  # a previous interrupted run
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.import_bench", "--child", str(path)],
            cwd=root, env=env, capture_output=True, text=True, timeout=1800, check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"import subprocess failed: {done.stderr[-2000:]}")
        child = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        _cleanup(rows)
    if child["created"] != rows or child["errors"]:
        raise RuntimeError(f"import did not create {rows} enterprises: {child}")
    return child


def run(tmpdir, rows: int = ROWS) -> list[dict]:
    path = build_file(Path(tmpdir) / f"import-{rows}.xlsx", rows)
    _bench_user()
    parse_s, _read = parse_only(path)
    calamine_s = read_calamine(path)
    fastexcel_s = read_fastexcel(path)
    child = _import_in_child(path, rows)
    suffix = "" if rows == ROWS else f"_{rows}rows"
    results = [
        {"figure": f"import_40736_s{suffix}", "value": round(child["seconds"], 2), "unit": "s"},
        {"figure": f"import_parse_only_s{suffix}", "value": round(parse_s, 2), "unit": "s",
         "note": "openpyxl read-only, reading only"},
        {"figure": f"import_ratio{suffix}", "value": round(child["seconds"] / parse_s, 2), "unit": "×"},
        {"figure": f"import_peak_mb{suffix}", "value": round(child["peak_mb"], 1), "unit": "MB"},
        {"figure": f"import_read_calamine_s{suffix}", "value": round(calamine_s, 2), "unit": "s",
         "note": "python-calamine, reading only (the import's reader)"},
    ]
    if fastexcel_s is not None:
        results.append({"figure": f"import_read_fastexcel_s{suffix}", "value": round(fastexcel_s, 2), "unit": "s",
                        "note": "fastexcel, reading only (a candidate, not a dependency)"})
    xls = to_xls(path)
    if xls is not None:
        child_xls = _import_in_child(xls, rows)
        results += [
            {"figure": f"import_xls_40736_s{suffix}", "value": round(child_xls["seconds"], 2), "unit": "s",
             "note": "the same rows saved as .xls by LibreOffice"},
            {"figure": f"import_xls_ratio{suffix}", "value": round(child_xls["seconds"] / parse_s, 2), "unit": "×",
             "note": "÷ openpyxl reading the .xlsx"},
            {"figure": f"import_xls_peak_mb{suffix}", "value": round(child_xls["peak_mb"], 1), "unit": "MB"},
        ]
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    else:
        sys.exit("usage: python -m bench.import_bench --child FILE (run() is called by bench/run.py)")
