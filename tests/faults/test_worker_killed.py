"""Fault 1: the whole Celery worker killed with kill -9 in the middle of a 300-placard batch print. A fresh
worker takes the job over once its heartbeat is stale (the sweep beat sends it again): the job ends done and
its one PDF holds every placard exactly once."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from .stack import job_id_of, until

# Bounded, generously: the first test also pays for starting the private stack (a minute or two).
pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

N = 300


def test_worker_killed_mid_batch_a_fresh_worker_prints_every_placard_once(stack, fault_clock):
    made = stack.seed("placards", N)
    ids, numbers = made["placards"], made["numbers"]
    # Each approval queued its placard's own PDF: the worker draws all 300, once each.
    until(lambda: stack.sql("SELECT count(*) FROM zhifu_reopen_job WHERE kind = 'placard_render' AND status = 'done' "
                            "AND (params->>'placard_id')::int = ANY(%s)", [ids])[0][0] == N,
          timeout=300, interval=1, message=f"the single renders{stack.logs()}")
    files = sorted(p.name for p in (stack.media / "placards").rglob("*.pdf"))
    assert len(files) == len(set(files)) >= N

    # The batch draws QR codes afresh and stores them after each chunk of 200 pages (placards/services/
    # printing.py): with a row of the first chunk locked the worker stops there, 200 pages in, and is
    # killed at a known point, not a lucky one.
    stack.sql("UPDATE placards_placard SET qr_url = '' WHERE id = ANY(%s)", [ids])
    lock = stack.pg.connect()
    lock.autocommit = False
    lock.cursor().execute("SELECT 1 FROM placards_placard WHERE id = %s FOR UPDATE", [ids[7]])
    try:
        staff = stack.browser("staff_xy")
        status, headers, body = staff.request("/placards/batch/", {"ids": ids})
        assert status == 302, body[:1000]
        job = job_id_of(headers)

        def batch():
            return stack.sql("SELECT status, progress_done, runner, heartbeat_at, result, output_file, error "
                             "FROM zhifu_reopen_job WHERE id = %s", [job])[0]

        until(lambda: batch()[1] == 200, timeout=180, message=f"the batch 200 pages in{stack.logs()}")
        beat = batch()[3]
        until(lambda: batch()[3] > beat, timeout=60, message="a heartbeat of the running batch")
        first_runner = batch()[2]
        stack.worker.kill()  # kill -9 of the worker's whole process group: nothing acknowledged or given back
        killed = time.monotonic()
    finally:
        lock.rollback()
        lock.close()
    status, done, *_ = batch()
    assert (status, done) == ("running", 200)  # without a take-over: "running 200/300" for ever

    stack.worker.start()
    fault_clock.record("worker_killed", "kill_to_fresh_worker_ready_s", time.monotonic() - killed)

    def taken_over():
        row = batch()
        if row[2] != first_runner or row[0] != "running":
            return True
        stack.sweep()  # beat's jobs.sweep_pending, sent to the fresh worker
        return False

    taken = until(taken_over, timeout=120, interval=1, message=f"the sweep re-sends the batch{stack.logs()}")
    fault_clock.record("worker_killed", "kill_to_job_taken_over_s", taken - killed)
    finished = until(lambda: batch()[0] in ("done", "failed"), timeout=180, interval=0.5,
                     message=f"the taken-over batch{stack.logs()}")
    fault_clock.record("worker_killed", "kill_to_job_done_s", finished - killed)

    status, done, runner, _beat, result, output, error = batch()
    assert status == "done", error
    assert runner != first_runner and result["pages"] == N and done == N
    text = subprocess.run(["pdftotext", str(stack.media / output), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert text.count("\f") == N  # one PDF, 300 pages
    assert [n for n in numbers if text.count(n) != 1] == []  # every placard exactly once, none missing
    # The one batch job of these placards, and no placard's own PDF drawn again by the take-over.
    assert stack.sql("SELECT count(*) FROM zhifu_reopen_job WHERE kind = 'placard_batch' "
                     "AND params->'placard_ids' @> %s::jsonb", [json.dumps(ids[:1])])[0][0] == 1
    assert sorted(p.name for p in (stack.media / "placards").rglob("*.pdf")) == files
    # The user sees it done and downloads it.
    assert staff.status(f"/jobs/{job}/") == 200
    download = staff.request(f"/jobs/{job}/download/")
    assert download[0] == 200 and download[2][:5] == "%PDF-"
