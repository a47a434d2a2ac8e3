"""Fault 2: Redis (cache, sessions' cache and broker) stopped for 30 s and started again, empty. Meanwhile
pages answer from the database (the cache fails open) and the jobs queued stay pending, unsent; after the
restart every page answers with no hand step and the sweep sends the pending jobs, which end done."""

from __future__ import annotations

import contextlib
import time

import pytest
import redis

from .stack import job_id_of, until

# Bounded, generously: the first test also pays for starting the private stack (a minute or two).
pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

OUTAGE_SECONDS = 30


def test_redis_stopped_30s_pages_answer_jobs_wait_then_run(stack, fault_clock):
    ids = stack.seed("placards", 5)["placards"]
    until(lambda: {s for s, _e in stack.jobs(
        [pk for (pk,) in stack.sql("SELECT render_job_id FROM placards_placard WHERE id = ANY(%s)", [ids])]
    ).values()} == {"done"}, timeout=120, interval=0.5, message=f"the placards' renders{stack.logs()}")
    token = stack.sql("SELECT token FROM placards_placard WHERE id = %s", [ids[0]])[0][0]
    pages = ["/", "/enterprises/", "/applications/", "/placards/", f"/placards/{ids[0]}/", f"/v/{token}/"]
    staff = stack.browser("staff_xy")
    assert {p: staff.status(p) for p in pages} == dict.fromkeys(pages, 200)

    # A message still in Redis when it goes: the worker busy with a batch print held at a row lock (the
    # batch stores the QR codes it drew after its chunk), a reprint queued behind it, waiting in the queue.
    stack.sql("UPDATE placards_placard SET qr_url = '' WHERE id = ANY(%s)", [ids[:-1]])
    lock = stack.pg.connect()
    lock.autocommit = False
    lock.cursor().execute("SELECT 1 FROM placards_placard WHERE id = %s FOR UPDATE", [ids[0]])
    try:
        # The batch's one UPDATE of the QR codes takes its rows in the table's physical order, so it may hold
        # any of them while it waits for the locked one: the reprint queued behind it is of a placard the
        # batch does not print (a reprint of one of its rows could wait on that lock, timing-luck).
        status, headers, body = staff.request("/placards/batch/", {"ids": ids[:-1]})
        assert status == 302, body[:1000]
        batch = job_id_of(headers)
        until(lambda: stack.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'zhifu' "
                                "AND wait_event_type = 'Lock'")[0][0] >= 1, timeout=60,
              message=f"the batch held at the lock{stack.logs()}")
        status, headers, body = staff.request(f"/placards/{ids[-1]}/reprint/", {})
        assert status == 302, body[:1000]
        waiting = job_id_of(headers)
        until(lambda: redis.Redis.from_url(stack.redis.url).llen("celery") == 1, timeout=30,
              message="the reprint's message waiting in Redis")
        assert stack.jobs([waiting])[waiting][0] == "pending"
        stack.redis.stop()  # nothing saved: its message is gone for good
    finally:
        lock.rollback()  # the batch goes on, on the database alone
        lock.close()
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
    restarted_at = stack.sql("SELECT now()")[0][0]
    back = until(lambda: all(staff.status(p) == 200 for p in pages) and late.status("/applications/queue/") == 200,
                 timeout=30, interval=0.2, message=f"every page after the restart{stack.logs()}")
    fault_clock.record("redis_outage", "restart_to_all_pages_answer_s", back - restarted)

    # The sweep sends the jobs queued in the outage, and the reprint whose message the old Redis held
    # (sent before the broker's last start: zhifu_reopen/jobs.py), without waiting for it to go stale.
    queued.append(waiting)

    def sent():
        if all(enqueued is not None for _s, enqueued in stack.jobs(queued).values()) and \
                stack.jobs([waiting])[waiting][1] > restarted_at:
            return True
        with contextlib.suppress(Exception):  # the broker not accepting yet: beat would try again too
            stack.sweep()  # what beat does every minute
        return False

    swept = until(sent, timeout=90, interval=2, message=f"the pending jobs sent{stack.logs()}")
    fault_clock.record("redis_outage", "restart_to_pending_jobs_sent_s", swept - restarted)
    done = until(lambda: {s for s, _e in stack.jobs(queued).values()} == {"done"}, timeout=120, interval=0.5,
                 message=f"the pending jobs done{stack.logs()}")
    fault_clock.record("redis_outage", "restart_to_pending_jobs_done_s", done - restarted)
    assert stack.jobs([batch])[batch][0] == "done"  # finished on the database while Redis was down
    # Each reprint drew its placard's one file again: one PDF per placard, none doubled.
    names = stack.sql("SELECT pdf FROM placards_placard WHERE id = ANY(%s)", [ids])
    assert all((stack.media / name).exists() for (name,) in names) and len({n for (n,) in names}) == len(ids)
