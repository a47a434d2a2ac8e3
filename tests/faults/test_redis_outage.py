"""Fault 2: Redis (cache, sessions' cache and broker) stopped for 30 s and started again, empty. Meanwhile
pages answer from the database (the cache fails open) and the jobs queued stay pending, unsent; after the
restart every page answers with no hand step and the sweep sends the pending jobs, which end done."""

from __future__ import annotations

import contextlib
import time

import pytest

from .stack import job_id_of, until

# Bounded, generously: the first test also pays for starting the private stack (a minute or two).
pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

OUTAGE_SECONDS = 30


def test_redis_stopped_30s_pages_answer_jobs_wait_then_run(stack, fault_clock):
    ids = stack.seed("placards", 4)["placards"]
    until(lambda: {s for s, _e in stack.jobs(
        [pk for (pk,) in stack.sql("SELECT render_job_id FROM placards_placard WHERE id = ANY(%s)", [ids])]
    ).values()} == {"done"}, timeout=120, interval=0.5, message=f"the placards' renders{stack.logs()}")
    token = stack.sql("SELECT token FROM placards_placard WHERE id = %s", [ids[0]])[0][0]
    pages = ["/", "/enterprises/", "/applications/", "/placards/", f"/placards/{ids[0]}/", f"/v/{token}/"]
    staff = stack.browser("staff_xy")
    assert {p: staff.status(p) for p in pages} == dict.fromkeys(pages, 200)

    stack.redis.stop()
    stopped = time.monotonic()
    queued: list[int] = []
    answers: list[tuple[str, int]] = []
    # A user who signs in during the outage: the session is written to the database (cached_db).
    late = stack.browser("dept_gxj")
    assert late.status("/applications/queue/") == 200
    while time.monotonic() - stopped < OUTAGE_SECONDS:
        answers += [(p, staff.status(p)) for p in pages]
        if len(queued) < len(ids):  # a reprint asked for during the outage: answered at once, job kept
            status, headers, body = staff.request(f"/placards/{ids[len(queued)]}/reprint/", {})
            assert status == 302, body[:1000]
            queued.append(job_id_of(headers))
        time.sleep(0.5)
    assert [a for a in answers if a[1] != 200] == []
    kept = stack.jobs(queued)
    assert {pk: row for pk, row in kept.items()} == dict.fromkeys(queued, ("pending", None))

    stack.redis.start()
    restarted = time.monotonic()
    back = until(lambda: all(staff.status(p) == 200 for p in pages) and late.status("/applications/queue/") == 200,
                 timeout=30, interval=0.2, message=f"every page after the restart{stack.logs()}")
    fault_clock.record("redis_outage", "restart_to_all_pages_answer_s", back - restarted)

    def sent():
        if all(enqueued is not None for _s, enqueued in stack.jobs(queued).values()):
            return True
        with contextlib.suppress(Exception):  # the broker not accepting yet: beat would try again too
            stack.sweep()  # what beat does every minute
        return False

    swept = until(sent, timeout=90, interval=2, message=f"the pending jobs sent{stack.logs()}")
    fault_clock.record("redis_outage", "restart_to_pending_jobs_sent_s", swept - restarted)
    done = until(lambda: {s for s, _e in stack.jobs(queued).values()} == {"done"}, timeout=120, interval=0.5,
                 message=f"the pending jobs done{stack.logs()}")
    fault_clock.record("redis_outage", "restart_to_pending_jobs_done_s", done - restarted)
    # Each reprint drew its placard's one file again: one PDF per placard, none doubled.
    names = stack.sql("SELECT pdf FROM placards_placard WHERE id = ANY(%s)", [ids])
    assert all((stack.media / name).exists() for (name,) in names) and len({n for (n,) in names}) == len(ids)
