"""Issue 12: a signed-in request reads its user row and its scope from the cache in one round trip, and
whatever changes the user (deactivated, a new password, a role) still holds from the next request."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.scope import scope_cached

pytestmark = pytest.mark.django_db


def user_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q["sql"] for q in captured.captured_queries if '"accounts_user"' in q["sql"]]


def cache_calls(client, url, monkeypatch):
    """The cache calls of one request (name and keys)."""
    calls = []
    for name in ("get", "get_many"):
        original = getattr(cache, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            calls.append((_name, args[0]))
            return _original(*args, **kwargs)

        monkeypatch.setattr(cache, name, spy)
    response = client.get(url)
    monkeypatch.undo()
    return response, calls


def test_the_second_request_reads_no_user_row_and_reads_user_and_scope_in_one_call(client_for, personas,
                                                                                  enterprise_xy, monkeypatch):
    client = client_for("staff_xy")
    url = reverse("enterprises:list")
    assert client.get(url).status_code == 200
    response, queries = user_queries(client, url)
    assert response.status_code == 200 and queries == []
    response, calls = cache_calls(client, url, monkeypatch)
    assert response.status_code == 200
    scope_calls = [keys for name, keys in calls if name == "get_many"]
    assert len(scope_calls) == 1, calls  # versions, scope and user row together
    assert not any(name == "get" and "scope" in str(keys) for name, keys in calls)
    assert scope_cached(personas["staff_xy"].pk) is not None


def test_a_deactivated_account_is_signed_out_at_its_next_request(client_for, personas, enterprise_xy):
    client = client_for("staff_xy")
    url = reverse("enterprises:list")
    assert client.get(url).status_code == 200
    user = User.objects.get(pk=personas["staff_xy"].pk)
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_password_changed_elsewhere_signs_the_session_out(client_for, personas, enterprise_xy):
    client = client_for("staff_xy")
    url = reverse("enterprises:list")
    assert client.get(url).status_code == 200
    user = User.objects.get(pk=personas["staff_xy"].pk)
    user.set_password("a-new-password-2020")
    user.save()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_role_changed_holds_from_the_next_request(client_for, personas, enterprise_xy):
    client = client_for("staff_xy")
    url = reverse("enterprises:list")
    assert client.get(url).status_code == 200
    user = User.objects.get(pk=personas["staff_xy"].pk)
    user.role = "enterprise"  # the firm's own account may not open the list
    user.save()
    assert client.get(url).status_code == 403


def test_a_login_keeps_the_cached_row_current_enough(client, personas, enterprise_xy):
    """A login saves last_login alone (no scope dropped): the session still reads its user."""
    from tests.conftest import PASSWORD

    user = personas["staff_xy"]
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    assert client.get(reverse("enterprises:list")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    assert client.get(reverse("enterprises:list")).status_code == 200


def test_one_masked_csrf_token_per_page(client_for, enterprise_xy):
    import re

    client = client_for("staff_xy")
    body = client.get(reverse("enterprises:list")).content.decode()
    inputs = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    header = re.search(r'"X-CSRFToken": "([^"]+)"', body).group(1)
    assert len(inputs) >= 3 and set(inputs) == {header}
    # … and it is a working token: the language switch (a POST with it) is accepted under CSRF checks.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = strict.post(reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": header})
    assert response.status_code == 302
