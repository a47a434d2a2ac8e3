"""Fixtures of the fault tests (marker ``faults``): one private stack for this package (stopped after its
last test, not left running through the rest of the suite), healed before each
scenario, and the recovery times written to artifacts/faults.json."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from .stack import ROOT, Clock, Stack, missing


@pytest.fixture(scope="package")
def fault_clock():
    clock = Clock()
    yield clock
    if clock.figures:
        out = ROOT / "artifacts" / "faults.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(clock.figures, indent=2, ensure_ascii=False) + "\n")
        print(f"\n[faults] recovery times written to {out}: {json.dumps(clock.figures)}")


@pytest.fixture(scope="package")
def _private_stack():
    why = missing()
    if why:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"fault tests need a private PostgreSQL and Redis: {why}")
        pytest.skip(why)
    with tempfile.TemporaryDirectory(prefix="zhifu-faults-") as base:
        stack = Stack(Path(base))
        try:
            yield stack.start()
        finally:
            stack.stop()


@pytest.fixture
def stack(_private_stack):
    """The private stack, whole again whatever the previous scenario left: PostgreSQL and Redis up, the
    worker alive."""
    stack = _private_stack
    stack.pg.ensure_running()
    if stack.redis.proc.poll() is not None:
        stack.redis.start()
    if stack.worker.proc is None or stack.worker.proc.poll() is not None:
        stack.worker.start()
    yield stack
