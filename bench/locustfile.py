"""Locust workload of `make loadtest` (bench/loadtest.py starts the servers and runs this file headless).

Two kinds of load, each request a named type:
- staff (StreetStaff, DepartmentReviewer, FastHttpUser): firm list, firm page, search, approvals queue,
  application page, decision, material upload, placard print, export — logged in through the normal form
  (``login`` below, the one place to adapt when some roles need a TOTP code);
- the public verify page (VerifyUser), a flood of scans of real placard tokens, no think time.

The shape (StepShape) steps the staff user count up (LOAD_MODE=staff: LOAD_STEPS users, each step
LOAD_STEP_SECONDS), or runs the verify flood alone (LOAD_MODE=verify: LOAD_VERIFY_USERS for
LOAD_VERIFY_SECONDS), or staff and verify together (LOAD_MODE=soak, LOAD_SOAK_SECONDS, in 10-minute
windows); bench/loadtest.py runs locust once per mode, naming the user classes. Every sample is kept with its phase and
written at the end to LOAD_RAW (JSON); bench/loadtest.py turns it into bench/load.json.

The data each user works on comes from LOAD_PLAN (JSON written by bench/loadtest.py): firm ids, drafts,
applications waiting at the street or the department, placards and tokens, search terms, usernames. Each
decision takes its application from a pool no other user draws from, so two users never decide the
same application (that would be a conflict, not load).
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections import defaultdict
from itertools import count
from pathlib import Path
from urllib.parse import quote, urlencode

import gevent
from locust import FastHttpUser, LoadTestShape, between, constant, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8")) if os.environ.get("LOAD_PLAN") else {}
PASSWORD = PLAN.get("password", "")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
WARMUP = float(os.environ.get("LOAD_WARMUP_SECONDS", "3"))
MAX_RAMP = float(os.environ.get("LOAD_MAX_RAMP_SECONDS", "180"))
TOUR = os.environ.get("LOAD_TOUR") == "1"

# --- the samples, by phase --------------------------------------------------------------------------

# A phase is measured from the moment all its users are spawned and logged in (its ramp, with the
# logins' password hashing, is not) until the next phase starts.
PHASE = {"name": "idle", "started": time.monotonic(), "target": 0, "measuring": None}
READY = {"staff": 0, "verify": 0}


def _ready() -> bool:
    return READY["staff"] + READY["verify"] >= PHASE["target"]
SAMPLES: dict[str, dict[str, dict]] = defaultdict(dict)
PHASES: list[dict] = []


@events.request.add_listener
def _sample(request_type, name, response_time, response_length, exception=None, **kwargs):
    if PHASE["name"] == "idle":
        return
    if PHASE["measuring"] is None:
        return  # the ramp: spawning, logging in (StepShape.tick starts the measurement)
    entry = SAMPLES[PHASE["name"]].setdefault(name, {"ms": [], "errors": 0, "messages": []})
    entry["ms"].append(round(response_time, 2))
    if exception is not None:
        entry["errors"] += 1
        if len(entry["messages"]) < 5:
            entry["messages"].append(str(exception)[:200])


def _phase(name: str, target: int = 0) -> None:
    now = time.monotonic()
    if PHASES:
        since = PHASES[-1].get("_measuring")
        PHASES[-1]["seconds"] = round(now - since, 2) if since else 0
        PHASES[-1]["ramp_seconds"] = round((since or now) - PHASES[-1]["_started"], 2)
    PHASE.update(name=name, started=now, target=target, measuring=None)
    if name != "idle":
        PHASES.append({"name": name, "_started": now, "users": target})


@events.quitting.add_listener
def _write(environment, **kwargs):
    _phase("idle")
    path = os.environ.get("LOAD_RAW")
    if path:
        phases = [{k: v for k, v in p.items() if not k.startswith("_")} for p in PHASES]
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"phases": phases, "samples": SAMPLES}, out)


# --- logging in: the one function to adapt for two factors --------------------------------------------

def login(user: FastHttpUser, username: str) -> str:
    """Log in through the normal form; returns the CSRF token of the signed-in session. (When a role
    needs a TOTP code, post it here after the password.)"""
    page = user.client.get("/accounts/login/", name="login form")
    token = CSRF.search(page.text or "")
    with user.client.post("/accounts/login/", data={
        "csrfmiddlewaretoken": token.group(1) if token else "", "username": username, "password": PASSWORD,
    }, name="login", allow_redirects=False, catch_response=True) as response:
        if response.status_code != 302:
            response.failure(f"login {username}: {response.status_code}")
    # Login rotates the CSRF secret: take the token of a signed-in page.
    page = user.client.get("/applications/queue/", name="approvals queue")
    token = CSRF.search(page.text or "")
    return token.group(1) if token else ""


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = f"----zhifuload{random.getrandbits(64):016x}"
    parts = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{item}\r\n'.encode())
    for key, (filename, content, content_type) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


_usernames: dict[str, count] = defaultdict(count)


def next_username(kind: str) -> str:
    names = PLAN["users"][kind]
    return names[next(_usernames[kind]) % len(names)]


class Staff(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)  # a person reading the page before the next click
    kind = ""
    street = ""
    tour = ("firm_list", "firm_page", "search", "queue", "application_page", "decision")

    def on_start(self):
        self.username = next_username(self.kind)
        self.street = PLAN["user_street"].get(self.username, "")
        self.csrf = login(self, self.username)
        READY["staff"] += 1
        self.counted = True
        if TOUR:  # the harness check: once measuring, every request type of this user once, in order
            deadline = time.monotonic() + MAX_RAMP
            while PHASE["measuring"] is None and time.monotonic() < deadline:
                gevent.sleep(0.2)
            for name in self.tour:
                getattr(self, name)()

    def on_stop(self):
        if getattr(self, "counted", False):
            READY["staff"] -= 1

    def post(self, url: str, name: str, data: dict, files: dict | None = None, expect=(302,)):
        headers = {"X-CSRFToken": self.csrf, "Referer": self.host + url}
        body: dict | bytes = {**data, "csrfmiddlewaretoken": self.csrf}
        if files:  # FastHttpSession posts no files itself: a multipart body, as a browser sends it
            body, headers["Content-Type"] = multipart(body, files)
        else:  # lists as repeated keys (ids=1&ids=2), as a form sends them
            body, headers["Content-Type"] = urlencode(body, doseq=True).encode(), "application/x-www-form-urlencoded"
        with self.client.post(url, data=body, headers=headers,
                              name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code not in expect:
                response.failure(f"{name}: {response.status_code} {(response.text or '')[:120]!r}")

    def get(self, url: str, name: str, expect=(200,)):
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code not in expect:
                response.failure(f"{name}: {response.status_code}")

    def area(self, key: str) -> list:
        return PLAN[key].get(self.street) or []

    def pick(self, key: str):
        """A random item of this user's street / department, or None (then the task is skipped)."""
        items = self.area(key)
        return random.choice(items) if items else None

    @task(4)
    def firm_list(self):
        self.get("/enterprises/", "firm list")

    @task(6)
    def firm_page(self):
        pk = self.pick("firms")
        if pk:
            self.get(f"/enterprises/{pk}/", "firm page")

    @task(3)
    def search(self):
        self.get(f"/enterprises/?q={quote(random.choice(PLAN['search_terms']))}", "search")

    @task(4)
    def queue(self):
        self.get("/applications/queue/", "approvals queue")

    @task(4)
    def application_page(self):
        pk = self.pick("applications")
        if pk:
            self.get(f"/applications/{pk}/", "application page")

    @task(2)
    def decision(self):
        pool = self.area("decide")
        if not pool:
            return
        pk = pool.pop()
        outcome = PLAN["decision_outcome"][self.kind]
        self.post(f"/applications/{pk}/decide/", "decision", {"outcome": outcome, "opinion": "压力测试：材料需补充。"})


class StreetStaff(Staff):
    """街道工作人员 (street_staff): no second factor (issue 13 item 1 asks it of other posts only)."""

    weight = 3
    kind = "street"
    tour = (*Staff.tour, "material_upload", "placard_print", "export")

    @task(1)
    def material_upload(self):
        pk = self.pick("drafts")
        if pk is None:
            return
        self.post(f"/applications/{pk}/materials/", "material upload", {"kind": "plan"},
                  files={"file": ("方案.pdf", PDF, "application/pdf")})

    @task(1)
    def placard_print(self):
        ids = random.sample(self.area("placards"), k=min(2, len(self.area("placards"))))
        if not ids:
            return
        self.post("/placards/batch/", "placard print", {"ids": ids})

    @task(1)
    def export(self):
        # A POST (it writes an audit entry) with the list's filters in the query string; a small result
        # comes back as the .xlsx, a large one (> 5,000 rows) as a job for the worker (302).
        self.post(f"/enterprises/export/?q={quote(random.choice(PLAN['search_terms']))}", "export", {},
                  expect=(200, 302))


class DepartmentReviewer(Staff):
    """行业主管部门审核人 (department_reviewer): reads and approves at the department step."""

    weight = 1
    kind = "department"


class VerifyUser(FastHttpUser):
    """The public verify page, scanned as fast as the server answers."""

    wait_time = constant(0)
    weight = 1

    def on_start(self):
        READY["verify"] += 1
        self.counted = True

    def on_stop(self):
        if getattr(self, "counted", False):
            READY["verify"] -= 1

    @task
    def verify(self):
        with self.client.get(f"/v/{random.choice(PLAN['tokens'])}/", name="verify", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"verify: {r.status_code}")


class StepShape(LoadTestShape):
    """Staff steps (LOAD_STEPS users, LOAD_STEP_SECONDS each), then the verify flood; or the soak."""

    def __init__(self):
        super().__init__()
        self.steps = [int(s) for s in os.environ.get("LOAD_STEPS", "4,8,16,32,48").split(",") if s.strip()]
        self.step_seconds = float(os.environ.get("LOAD_STEP_SECONDS", "30"))
        self.verify_users = int(os.environ.get("LOAD_VERIFY_USERS", "16"))
        self.verify_seconds = float(os.environ.get("LOAD_VERIFY_SECONDS", "30"))
        self.soak_seconds = float(os.environ.get("LOAD_SOAK_SECONDS", "0"))
        self.soak_users = int(os.environ.get("LOAD_SOAK_USERS", "16"))
        self.current = None

    def plan(self) -> list[tuple[str, int, float]]:
        """LOAD_MODE "staff": the steps; "verify": the flood; "soak": both together (the classes are named
        on locust's command line: a shape switching classes mid-run left the old users running)."""
        mode = os.environ.get("LOAD_MODE", "staff")
        if mode == "soak":  # in 10-minute windows
            windows = max(1, int(-(-self.soak_seconds // 600)))
            return [(f"soak-{i * 10:03d}min", self.soak_users, min(600.0, self.soak_seconds - i * 600))
                    for i in range(windows)]
        if mode == "verify":
            return [(f"verify-{self.verify_users}", self.verify_users, self.verify_seconds)]
        return [(f"staff-{n}", n, self.step_seconds) for n in self.steps]

    def tick(self):
        """Each phase lasts its seconds from the moment its users are all up (spawned, logged in: on a
        loaded machine the logins' password hashing alone can take many seconds), or gives up after
        MAX_RAMP seconds of ramp (measured then as 0 s)."""
        phases = self.plan()
        now = time.monotonic()
        if self.current is None:
            self.current, self.entered = 0, now
            _phase(phases[0][0], phases[0][1])
        name, users, seconds = phases[self.current]
        if PHASE["measuring"] is None and _ready() and now - PHASE["started"] >= WARMUP:
            PHASE["measuring"] = PHASES[-1]["_measuring"] = now
        measuring = PHASE["measuring"]
        over = (measuring is not None and now - measuring >= seconds) or (
            measuring is None and now - self.entered >= MAX_RAMP)
        if over:
            self.current += 1
            if self.current >= len(phases):
                return None
            self.entered = now
            name, users, seconds = phases[self.current]
            _phase(name, users)
        return (users, users)
