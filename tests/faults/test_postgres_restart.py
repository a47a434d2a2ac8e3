"""Fault 3: PostgreSQL restarted (pg_ctl restart -m fast) during a burst of page views and decisions
(工信局's approvals at the department step). Requests in the gap fail cleanly (5xx, or the connection cut);
afterwards every page answers again without restarting gunicorn or the worker (persistent connections with
health checks), and every decision is in the database exactly once: those reported done to the user, and
those that failed and were sent again."""

from __future__ import annotations

import threading
import time

import pytest

from .stack import job_id_of, until

# Bounded, generously: the first test also pays for starting the private stack (a minute or two).
pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

N = 10
GOOD = {200, 302}


def test_postgres_restarted_during_a_burst_no_decision_lost_or_doubled(stack, fault_clock):
    made = stack.seed("at_department", N, "placards", 1)
    apps, placard = made["applications"], made["placards"][0]
    until(lambda: stack.sql("SELECT j.status FROM placards_placard p JOIN zhifu_reopen_job j ON j.id = p.render_job_id "
                            "WHERE p.id = %s", [placard]) == [("done",)], timeout=120, interval=0.5,
          message=f"the placard's render{stack.logs()}")
    staff, reviewer = stack.browser("staff_xy"), stack.browser("dept_gxj")
    pages = ["/", "/enterprises/", "/applications/", "/placards/", f"/applications/{apps[0]}/"]
    assert {p: staff.status(p) for p in pages} == dict.fromkeys(pages, 200)
    assert reviewer.status("/applications/queue/") == 200

    answers: list[tuple[float, float, str, int]] = []  # (sent, answered, what, status): the whole burst
    decided: dict[int, int] = {}  # application → status of its first attempt
    stop = threading.Event()

    def reader(browser, paths):
        while not stop.is_set():
            for path in paths:
                sent = time.monotonic()
                status = browser.status(path)
                answers.append((sent, time.monotonic(), path, status))

    def decider():
        for pk in apps:
            sent = time.monotonic()
            status = reviewer.request(f"/applications/{pk}/decide/", {"outcome": "approve", "opinion": "同意复工"})[0]
            answers.append((sent, time.monotonic(), f"decide {pk}", status))
            decided[pk] = status
            time.sleep(0.3)  # the decisions spread over the restart

    threads = [threading.Thread(target=reader, args=(staff, pages)),
               threading.Thread(target=reader, args=(reviewer, ["/applications/queue/"])),
               threading.Thread(target=decider)]
    for thread in threads:
        thread.start()
    try:
        until(lambda: len(decided) >= 3, timeout=60, message="the burst under way")
        gap_start = time.monotonic()
        stack.pg.restart()
        gap_end = time.monotonic()
        until(lambda: len(decided) == N, timeout=120, message="every decision attempted")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    # Without a hand step: every page answers again, through the same gunicorn and its workers.
    back = until(lambda: all(staff.status(p) == 200 for p in pages)
                 and reviewer.status("/applications/queue/") == 200,
                 timeout=30, interval=0.2, message=f"every page after the restart{stack.logs()}")
    fault_clock.record("postgres_restart", "restart_to_all_pages_answer_s", back - gap_end)  # burst ended first
    fault_clock.record("postgres_restart", "gap_s", gap_end - gap_start)
    bad = [(round(t - gap_start, 2), round(a - gap_start, 2), what, status)
           for t, a, what, status in answers if status not in GOOD]
    fault_clock.record("postgres_restart", "failed_answers_in_gap", len(bad))
    # Recovery: from the restart's end to the first good answer to a request sent after the last failure.
    last_bad = max([t for t, _a, _w, status in answers if status not in GOOD], default=gap_end)
    first_good = min(a for t, a, _w, status in answers if status in GOOD and t >= max(last_bad, gap_end))
    fault_clock.record("postgres_restart", "restart_to_first_good_answer_s", first_good - gap_end)
    # Failures only for requests under way during the gap (answered after it began, sent before it ended,
    # with a second's slack), never an error page once the database is back; and only server errors or a
    # cut connection, never a wrong answer.
    gap = gap_end - gap_start
    assert [b for b in bad if not (b[1] >= 0 and b[0] <= gap + 1)] == [], bad
    assert all(status in {0, 500, 502, 503} for *_times, _what, status in bad), bad

    # The decisions that failed are sent again: done now (302), or refused as done already (4xx: the step has
    # moved on), never recorded twice.
    retried = {pk: reviewer.request(f"/applications/{pk}/decide/", {"outcome": "approve", "opinion": "同意复工"})[0]
               for pk, status in decided.items() if status not in GOOD}
    assert all(status == 302 or 400 <= status < 500 for status in retried.values()), retried
    rows = dict(stack.sql("SELECT application_id, count(*) FROM approvals_decision WHERE kind = 'department' "
                          "AND application_id = ANY(%s) GROUP BY application_id", [apps]))
    assert rows == dict.fromkeys(apps, 1), (rows, decided, retried)
    steps = dict(stack.sql("SELECT id, current_step FROM approvals_application WHERE id = ANY(%s)", [apps]))
    assert set(steps.values()) == {"task_force"}, steps
    audits = dict(stack.sql("SELECT target_id::bigint, count(*) FROM zhifu_reopen_auditentry "
                            "WHERE action = 'application.department.approve' GROUP BY target_id"))
    assert {pk: audits.get(pk) for pk in apps} == dict.fromkeys(apps, 1)

    # The worker also reconnected by itself: a job queued now ends done.
    status, headers, body = staff.request(f"/placards/{placard}/reprint/", {})
    assert status == 302, body[:1000]
    job = job_id_of(headers)
    done = until(lambda: stack.jobs([job])[job][0] == "done", timeout=90, interval=0.3,
                 message=f"a job after the restart{stack.logs()}")
    fault_clock.record("postgres_restart", "restart_to_job_done_s", done - gap_end)
