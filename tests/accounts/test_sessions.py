"""Sessions (issue 13): 30 minutes idle and 12 hours absolute; the user sees their sessions (我的登录会话)
and ends the others; a password change, a password reset or a revoked post ends them. An ended session
is unusable at once (the cache of ``cached_db`` included)."""

import time
from importlib import import_module

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, UserSession
from accounts.posts import Post
from accounts.services import people as svc
from accounts.services.sessions import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from tests.conftest import PASSWORD


def signed_in(user, ip="10.0.0.1", agent="Mozilla/5.0 Test"):
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def shift(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"started": SESSION_STARTED_KEY, "seen": SESSION_SEEN_KEY}[key]] = now - ago
    session.save()


def test_a_login_is_listed_with_its_address_and_browser(personas):
    user = personas["staff_xy"]
    client = signed_in(user, ip="10.0.0.7", agent="Mozilla/5.0 (X11) Chromium/140")
    row = UserSession.objects.get(user=user)
    assert row.session_key == client.session.session_key
    body = client.get(reverse("sessions")).content.decode()
    assert "我的登录会话" in body and "10.0.0.7" in body and "Chromium/140" in body and "当前会话" in body
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=user).exists()


@pytest.mark.redis
def test_ending_another_session_makes_it_unusable_at_once(personas):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    user = personas["staff_xy"]
    laptop, phone = signed_in(user, ip="10.0.0.1"), signed_in(user, ip="10.0.0.2")
    assert is_signed_in(phone)  # its session now in the cache
    from django.core.cache import caches

    phone_key = phone.session.session_key
    store = import_module(settings.SESSION_ENGINE).SessionStore
    cache = caches[settings.SESSION_CACHE_ALIAS]
    assert cache.get(store.cache_key_prefix + phone_key) is not None
    row = UserSession.objects.get(session_key=phone_key)
    assert laptop.post(reverse("session_end", args=[row.pk])).status_code == 302
    assert not store(session_key=phone_key).exists(phone_key)
    assert cache.get(store.cache_key_prefix + phone_key) is None  # gone from the cache too
    response = phone.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert is_signed_in(laptop)
    assert list(UserSession.objects.filter(user=user).values_list("ip_address", flat=True)) == ["10.0.0.1"]


def test_one_cannot_end_someone_elses_session_nor_ones_own_from_the_list(personas):
    a, b = signed_in(personas["staff_xy"]), signed_in(personas["staff_ds"])
    b_row = UserSession.objects.get(user=personas["staff_ds"])
    a.post(reverse("session_end", args=[b_row.pk]))
    assert is_signed_in(b)
    a_row = UserSession.objects.get(user=personas["staff_xy"])
    a.post(reverse("session_end", args=[a_row.pk]))
    assert is_signed_in(a)


def test_end_all_other_sessions(personas):
    user = personas["staff_xy"]
    one, two, three = signed_in(user), signed_in(user), signed_in(user)
    one.post(reverse("sessions_end_others"))
    assert is_signed_in(one) and not is_signed_in(two) and not is_signed_in(three)


def test_idle_for_longer_than_the_limit_signs_out(personas):
    client = signed_in(personas["staff_xy"])
    shift(client, seen=settings.SESSION_IDLE_SECONDS - 30)
    assert is_signed_in(client)
    shift(client, seen=settings.SESSION_IDLE_SECONDS + 1)
    assert not is_signed_in(client)
    assert not UserSession.objects.exists()


def test_the_absolute_limit_holds_however_busy_the_session(personas):
    assert settings.SESSION_IDLE_SECONDS == 30 * 60 and settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    client = signed_in(personas["staff_xy"])
    shift(client, started=settings.SESSION_ABSOLUTE_SECONDS - 60, seen=5)
    assert is_signed_in(client)
    shift(client, started=settings.SESSION_ABSOLUTE_SECONDS + 1, seen=5)
    assert not is_signed_in(client)


def test_the_idle_stamp_is_written_at_most_once_a_minute(personas):
    client = signed_in(personas["staff_xy"])
    client.get(reverse("home"))
    seen = client.session[SESSION_SEEN_KEY]
    with CaptureQueriesContext(connection) as queries:
        assert is_signed_in(client)
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] or "usersession" in q["sql"]]
    assert client.session[SESSION_SEEN_KEY] == seen
    shift(client, seen=90)
    row = UserSession.objects.get()
    assert is_signed_in(client)
    assert client.session[SESSION_SEEN_KEY] >= int(time.time()) - 5
    assert UserSession.objects.get().last_seen_at > row.last_seen_at


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(personas):
    user = personas["staff_xy"]
    here, elsewhere = signed_in(user), signed_in(user)
    assert is_signed_in(elsewhere)  # the user row is cached now
    response = here.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Yantai-2020-new", "new_password2": "Yantai-2020-new"})
    assert response.status_code == 302
    assert is_signed_in(here) and not is_signed_in(elsewhere)
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        here.session.session_key]


def test_a_password_reset_ends_every_session(client_for, personas):
    user = personas["staff_xy"]
    session = signed_in(user)
    svc.password_reset_link(actor=personas["district_admin"], person=user, reason="遗失")
    assert not is_signed_in(session)
    assert not UserSession.objects.filter(user=user).exists()


def test_a_revoked_post_ends_every_session(personas, xy):
    user = personas["staff_xy"]
    one, two = signed_in(user), signed_in(user)
    assert is_signed_in(one) and is_signed_in(two)
    svc.post_end(actor=personas["district_admin"], person=user, post=Post(Role.STREET_STAFF, xy), reason="调离")
    assert not is_signed_in(one) and not is_signed_in(two)
    assert not UserSession.objects.filter(user=user).exists()


def test_a_deactivated_account_ends_every_session(personas):
    user = personas["staff_xy"]
    one = signed_in(user)
    svc.account_deactivate(actor=personas["district_admin"], person=user, reason="离职")
    assert not is_signed_in(one) and not UserSession.objects.filter(user=user).exists()


def test_the_session_cookie_is_httponly_and_samesite(personas):
    client = Client()
    client.post(reverse("login"), {"username": personas["staff_xy"].username, "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_password_changed_anywhere_is_not_served_from_the_cached_user(personas):
    """The middleware reads the user row from the cache: a password set elsewhere (the admin, a shell)
    must sign the old sessions out at their next request all the same."""
    from accounts.scope import _cache_read

    user = personas["staff_xy"]
    session = signed_in(user)
    assert is_signed_in(session)
    assert _cache_read(user.pk, account=True)[2] is not None  # the user row is cached
    user.set_password("Yantai-2020-elsewhere")
    user.save()
    assert not is_signed_in(session)
