"""Spreadsheets written by LibreOffice (Debian's ``libreoffice-calc-nogui``), as streets' files are written
by Excel, WPS and LibreOffice rather than by openpyxl: :func:`office_convert` turns an ``.xlsx`` into
``.xls`` (Excel 97–2003), ``.ods``, or an ``.xlsx`` saved by LibreOffice itself.

CI installs LibreOffice (``.ci/run``) and there a missing ``soffice`` fails the test; on a laptop without
it the tests that need it are skipped, saying why."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

_CACHE: dict[tuple[str, str], bytes] = {}
FILTERS = {"xls": "xls:MS Excel 97", "ods": "ods", "xlsx": 'xlsx:Calc MS Excel 2007 XML'}


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing: .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed here: apt-get install libreoffice-calc-nogui")
    return found


def office_convert(content: bytes, to: str, *, source: str = "xlsx") -> bytes:
    """``content`` (a workbook of type ``source``) as LibreOffice saves it in format ``to`` (xls, ods,
    xlsx). Cached for the session: each conversion starts LibreOffice once (a few seconds)."""
    key = (hashlib.sha256(content).hexdigest() + source, to)
    if key in _CACHE:
        return _CACHE[key]
    binary = soffice()
    with tempfile.TemporaryDirectory(prefix="zhifu-office-") as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        (folder / "out").mkdir()
        path = folder / "in" / f"sheet.{source}"
        path.write_bytes(content)
        # A profile of its own, so parallel runs (and a user's own LibreOffice) never share a lock.
        done = subprocess.run(
            [binary, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--norestore",
             "--convert-to", FILTERS[to], "--outdir", str(folder / "out"), str(path)],
            capture_output=True, text=True, timeout=180, check=False,
        )
        out = folder / "out" / f"sheet.{to}"
        if not out.exists():
            raise RuntimeError(f"LibreOffice did not convert to {to}: {done.stdout} {done.stderr}")
        _CACHE[key] = out.read_bytes()
    return _CACHE[key]
