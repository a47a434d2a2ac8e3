"""Malformed parameters at every URL of the permission matrix: never a 500.

For each page or endpoint of the matrix, an authorised persona sends every parameter any view reads
(and, for POST endpoints, every field of the case's form plus the extra keys views read by hand) set,
one at a time, to a value the code must refuse or ignore: a NUL byte, a Unicode digit (``²``: str.isdigit
accepts it, int refuses it), a number beyond any integer column, garbage base64, cursors of the wrong
shape or with a time-zone offset of −23:59. The answer must be below 500 (a 400 page or a form error).
"""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qsl, urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.permissions.test_matrix import CASES


def b64(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, ensure_ascii=False).encode()).decode()


# Refused or ignored wherever they land.
BAD_VALUES = ["\x00", "a\x00b", "²", "9" * 40]
# Page cursors: not ours, the wrong shape, or with an offset PostgreSQL cannot store.
BAD_CURSORS = [
    "!!!not-base64%%",
    base64.urlsafe_b64encode(b"\xff\xfe\x00garbage").decode(),
    b64([1, "2026-03-01T08:00:00-23:59", 1]),
    b64([1, "0001-01-01T00:00:00+14:00", 1]),
    b64(["名称\x00", 9 * 10**30]),
    b64(["²", "²", "²"]),
    b64({"a": 1}),
    "-1",
]
CURSOR_NAMES = ("after", "before")
# Every name a view reads from the query string or by hand from the POST body.
QUERY_NAMES = ["q", "status", "scale", "category", "jurisdiction", "department", "new", "after", "before",
               "tab", "days", "credit_code"]
POST_EXTRA = ["ids", "all", "reason", "q", "status", "jurisdiction"]
BAD_KEYS = ["verdict_²", "verdict_" + "9" * 40, "verdict_\x00", "reason_²"]


def distinct_cases():
    """One case per URL, method and query (the first), with its persona of lowest expected status."""
    seen, picked = set(), []
    for case in CASES:
        key = (case.url, case.method, case.query)
        if key in seen or not case.allowed:
            continue
        seen.add(key)
        persona = min(case.allowed, key=lambda p: case.allowed[p])
        picked.append((case, persona))
    return picked


PICKED = distinct_cases()


def fresh_data(case, world) -> dict:
    return dict(case.data(world)) if case.data else {}


@pytest.mark.parametrize(("case", "persona"), PICKED, ids=[f"{c.id}-{p}" for c, p in PICKED])
def test_malformed_values_never_answer_500(world, settings, case, persona):
    settings.PLACARD_VERIFY_RATE_LIMIT = 0  # hundreds of requests to the public page: no 429 in the way
    client = Client(raise_request_exception=False)
    client.force_login(world.users[persona])
    args = case.args(world)
    url = reverse(case.url, args=args)
    failures = []

    def send(path, data=None, method=case.method):
        # Each request on the same world: whatever it wrote (or a failed statement) is rolled back.
        with transaction.atomic():
            response = getattr(client, method)(path, data or {})
            transaction.set_rollback(True)
        return response

    def check(label, response):
        if response.status_code >= 500:
            failures.append(f"{label}: {response.status_code}")

    queries = [{name: value} for name in QUERY_NAMES for value in BAD_VALUES]
    queries += [{name: value} for name in CURSOR_NAMES for value in BAD_CURSORS]
    if case.method == "post":
        # POST views read few query values (the export's filters): every name at once, per value.
        queries = [dict.fromkeys(QUERY_NAMES, value) for value in BAD_VALUES]
        queries += [dict.fromkeys(CURSOR_NAMES, value) for value in BAD_CURSORS]
    base = dict(parse_qsl(case.query))  # the case's own query (tab=done …) under the bad value
    for query in queries:
        query = {**base, **query}
        check(f"{case.method.upper()} ?{query!r}", send(f"{url}?{urlencode(query)}", fresh_data(case, world)))
    if case.method == "post":
        names = list(dict.fromkeys([*fresh_data(case, world), *POST_EXTRA]))
        for name in names:
            for value in BAD_VALUES:
                data = fresh_data(case, world)
                data[name] = value
                check(f"POST {name}={value!r}", send(url, data, "post"))
        for key in BAD_KEYS:
            data = fresh_data(case, world)
            data[key] = "accepted"
            check(f"POST key {key!r}", send(url, data, "post"))
    # A string in the path (the public verify token): the same values in its place.
    if any(isinstance(a, str) for a in args):
        for value in ["\x00" * 20, "a\x00" * 10, "²" * 20, "Zz" * 8 + "\x00", "%00" * 8]:
            bad_args = [value if isinstance(a, str) else a for a in args]
            check(f"path {value!r}", send(reverse(case.url, args=bad_args)))
    assert not failures, f"{case.id} as {persona}: " + "; ".join(failures)



def test_pages_outside_the_matrix_never_answer_500(org, personas):
    """The pages the matrix exempts (login, language switch, password change, logout) get the same values."""
    client = Client(raise_request_exception=False)
    statuses = []
    for value in [*BAD_VALUES, *BAD_CURSORS]:
        statuses.append(("login ?next", client.get(reverse("login"), {"next": value}).status_code))
        statuses.append(("login", client.post(reverse("login"), {"username": value, "password": value,
                                                                 "next": value}).status_code))
        statuses.append(("set_language", client.post(reverse("set_language"),
                                                     {"language": value, "next": value}).status_code))
    client.force_login(personas["staff_xy"])
    for value in BAD_VALUES:
        statuses.append(("password_change", client.post(reverse("password_change"), {
            "old_password": value, "new_password1": value, "new_password2": value}).status_code))
        statuses.append(("home", client.get(reverse("home"), {"q": value}).status_code))
    statuses.append(("logout", client.post(reverse("logout"), {"next": "\x00"}).status_code))
    assert all(status < 500 for _name, status in statuses), statuses
