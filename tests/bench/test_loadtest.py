"""`make loadtest` works end to end (issue 13, item 9): a tiny run of bench/loadtest.py — gunicorn with 2
workers, a Celery worker and Locust against this test database — writes the JSON with every request type
measured and none failed. Latencies are the figures of a real run, never asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from bench.loadtest import STAFF_TYPES

pytestmark = [pytest.mark.loadtest, pytest.mark.postgres, pytest.mark.redis,
              pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def test_tiny_load_run_measures_every_request_type_without_errors(tmp_path):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("the load test runs on PostgreSQL with Redis and a Celery worker")
    settings = connection.settings_dict
    url = (f"postgres://{settings['USER']}{':' + settings['PASSWORD'] if settings['PASSWORD'] else ''}"
           f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}")
    output = tmp_path / "load.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.loadtest", "--database-url", url, "--quick-seed", "--enterprises", "120",
         "--applications", "1000", "--staff-accounts", "2", "--steps", "4", "--step-seconds", "5", "--tour",
         "--verify-users", "2", "--verify-seconds", "3", "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=420, check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(output.read_text())
    measured = {name: t for phase in report["phases"] for name, t in phase["types"].items()}
    missing = [name for name in (*STAFF_TYPES, "verify") if not measured.get(name, {}).get("requests")]
    assert not missing, (missing, run.stdout[-6000:], run.stderr[-3000:])
    failed = {name: t.get("error_examples") for name, t in measured.items() if t["errors"]}
    assert not failed
    for key in ("knee", "staff_goal", "verify_goal"):
        assert key in report["verdicts"]
    assert report["machine"]["load_before"] and report["cpu_seconds"]["servers"]["gunicorn"] > 0
