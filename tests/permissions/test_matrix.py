import importlib
import pkgutil

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

import tests.permissions as package
from tests.permissions.spec import ALL_PERSONAS, Case

# Pages every signed-in user or anyone may use, with no object or role behind them.
EXEMPT = {
    "login", "logout", "password_change", "password_change_done", "set_language",
    "healthz", "readyz",  # public probes, no object behind them: tests/zhifu_reopen/test_health.py
}


def load_cases() -> list[Case]:
    cases: list[Case] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("cases_"):
            cases.extend(importlib.import_module(f"tests.permissions.{info.name}").CASES)
    return cases


CASES = load_cases()
PARAMS = [(case, persona) for case in CASES for persona in (None, *ALL_PERSONAS)]


@pytest.mark.parametrize(
    ("case", "persona"), PARAMS, ids=[f"{c.id}-{p or 'anonymous'}" for c, p in PARAMS]
)
def test_matrix(world, case: Case, persona):
    client = Client()
    if persona:
        client.force_login(world.users[persona])
    url = reverse(case.url, args=case.args(world))
    if case.query:
        url = f"{url}?{case.query}"
    data = case.data(world) if case.data else {}
    response = getattr(client, case.method)(url, data)
    expected = case.expected(persona)
    assert response.status_code == expected, (
        f"{case.id} as {persona or 'anonymous'}: got {response.status_code}, expected {expected}"
    )
    if persona and expected == 404:
        assert response.status_code == 404


def _named_urls(resolver=None, namespace="") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            ns = pattern.namespace or ""
            if ns == "admin":
                continue
            names |= _named_urls(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_has_a_case():
    covered = {case.url for case in CASES} | EXEMPT
    missing = sorted(_named_urls() - covered)
    assert not missing, f"URLs without a permission-matrix case: {missing}"
