"""Login lockout (issue 13, django-axes): an account and an address are counted apart; a locked-out login
gets a clear page with 429; the district administrator sees the lockouts and lifts one (audited)."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.conftest import PASSWORD
from zhifu_reopen.models import AuditEntry

LIMIT = 3


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def attempt(client, username, password, ip="10.1.1.1", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def test_repeated_failures_lock_the_account_with_a_clear_429(client, personas):
    user = personas["staff_xy"]
    for _ in range(LIMIT - 1):
        assert attempt(client, user.username, "wrong").status_code == 401
    response = attempt(client, user.username, "wrong")
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录已锁定" in body and "区级系统管理员" in body and "30 分钟" in body
    # Even the right password is refused now, from another address too (the account is locked).
    assert attempt(client, user.username, PASSWORD, ip="10.9.9.9").status_code == 429
    assert client.get(reverse("home")).status_code == 302  # not signed in


def test_an_address_is_locked_apart_from_the_accounts(client, personas):
    staff, other = personas["staff_xy"], personas["staff_ds"]
    for name in ("nobody1", "nobody2", "nobody3"):  # one failure per account, all from one address
        attempt(client, name, "wrong", ip="10.2.2.2")
    assert attempt(client, staff.username, PASSWORD, ip="10.2.2.2").status_code == 429
    # The accounts are not locked: the same person from another address gets in.
    assert attempt(client, other.username, PASSWORD, ip="10.3.3.3").status_code == 302


def test_an_account_is_locked_whatever_the_address_and_others_there_get_in(client, personas):
    staff, other = personas["staff_xy"], personas["staff_ds"]
    for i in range(LIMIT):
        attempt(client, staff.username, "wrong", ip=f"10.4.4.{i + 1}")
    assert attempt(client, staff.username, PASSWORD, ip="10.4.4.200").status_code == 429
    assert attempt(client, other.username, PASSWORD, ip="10.4.4.1").status_code == 302


def test_the_lockout_page_speaks_english_when_the_ui_does(client, personas):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for _ in range(LIMIT):
        response = attempt(client, personas["staff_xy"].username, "wrong")
    assert response.status_code == 429 and 'lang="en"' in response.content.decode()


def test_the_lock_lapses_after_the_cool_off(client, personas):
    from datetime import timedelta

    from django.utils import timezone

    user = personas["staff_xy"]
    for _ in range(LIMIT):
        attempt(client, user.username, "wrong")
    assert attempt(client, user.username, PASSWORD).status_code == 429
    from django.conf import settings

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_a_successful_login_does_not_clear_the_address_failures(client, personas):
    """Else whoever has an account would sign in between guesses to go on guessing others'."""
    for name in ("nobody1", "nobody2"):
        attempt(client, name, "wrong", ip="10.7.7.7")
    assert attempt(client, personas["staff_xy"].username, PASSWORD, ip="10.7.7.7").status_code == 302
    client.post(reverse("logout"))
    assert attempt(client, "nobody3", "wrong", ip="10.7.7.7").status_code == 429


def test_an_incomplete_login_form_is_a_400(client, org):
    assert client.post(reverse("login"), {"username": "someone"}).status_code == 400


def test_the_district_administrator_sees_and_lifts_a_lockout(client, client_for, personas):
    user = personas["staff_xy"]
    for _ in range(LIMIT):
        attempt(client, user.username, "wrong", ip="10.5.5.1")
    for name in ("nobody1", "nobody2", "nobody3"):
        attempt(client, name, "wrong", ip="10.5.5.5")
    admin = client_for("district_admin")
    body = admin.get(reverse("lockouts")).content.decode()
    assert "staff_xy" in body and "10.5.5.5" in body
    response = admin.post(reverse("lockout_unlock"), {"kind": "username", "value": "staff_xy"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="login.unlock")
    assert entry.actor == personas["district_admin"] and entry.target_id == user.pk
    assert entry.before == {"username": "staff_xy", "failures": LIMIT}
    assert attempt(client, user.username, PASSWORD, ip="10.5.5.1").status_code == 302
    client.post(reverse("logout"))
    # The address is locked apart: it stays so until it is lifted too.
    assert attempt(client, user.username, PASSWORD, ip="10.5.5.5").status_code == 429
    assert admin.post(reverse("lockout_unlock"), {"kind": "ip_address", "value": "10.5.5.5"}).status_code == 302
    assert AuditEntry.objects.filter(action="login.unlock").count() == 2
    assert attempt(client, user.username, PASSWORD, ip="10.5.5.5").status_code == 302
    body = admin.get(reverse("lockouts")).content.decode()
    table = body[body.index('id="lockouts-table"'):]
    assert "staff_xy" not in table and "10.5.5.5" not in table and "当前没有被锁定" in table


def test_lifting_a_lockout_twice_is_a_conflict_and_bad_input_a_400(client, client_for, personas):
    for _ in range(LIMIT):
        attempt(client, "staff_xy", "wrong")
    admin = client_for("district_admin")
    assert admin.post(reverse("lockout_unlock"), {"kind": "username", "value": "staff_xy"}).status_code == 302
    response = admin.post(reverse("lockout_unlock"), {"kind": "username", "value": "staff_xy"})
    assert response.status_code == 409 and "该锁定已解除" in response.content.decode()
    assert admin.post(reverse("lockout_unlock"), {"kind": "password", "value": "x"}).status_code == 400
    assert AuditEntry.objects.filter(action="login.unlock").count() == 1


@pytest.mark.parametrize("persona", ["staff_xy", "taskforce", "director_xy"])
def test_only_the_district_administrator_unlocks(client, client_for, persona):
    for _ in range(LIMIT):
        attempt(client, "staff_ds", "wrong")
    other = client_for(persona)
    assert other.get(reverse("lockouts")).status_code == 403
    assert other.post(reverse("lockout_unlock"), {"kind": "username", "value": "staff_ds"}).status_code == 403
    assert AccessAttempt.objects.filter(username="staff_ds").exists()


def test_the_client_address_comes_from_the_shared_helper(monkeypatch, client, personas):
    import zhifu_reopen.client_ip

    monkeypatch.setattr(zhifu_reopen.client_ip, "client_ip", lambda request: "192.0.2.77")
    attempt(client, "staff_xy", "wrong", ip="10.6.6.6")
    assert AccessAttempt.objects.get().ip_address == "192.0.2.77"
