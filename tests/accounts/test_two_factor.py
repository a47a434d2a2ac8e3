"""Two factors (issue 13, django-otp): the signing posts, the task force, the district administrator and
superusers confirm a TOTP code (or a recovery code) after the password; on first sign-in they enrol.
Until verified they reach nothing but the verify, enrol and logout pages."""

import contextlib
from base64 import b32decode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, force_login_password_only, totp_code, totp_device


def unthrottle(user):
    """django-otp delays the next try after a wrong code (1 s, doubling): waited out here at once."""
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def password_login(client, user, next_url=None):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def code_from_page(body: str) -> str:
    secret = body.split('id="otp-secret">', 1)[1].split("<", 1)[0].replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


@pytest.mark.parametrize("persona", ["secretary_xy", "director_xy", "taskforce", "district_admin"])
def test_the_posts_that_need_two_factors_are_led_to_enrol_after_the_password(client, personas, persona):
    response = password_login(client, personas[persona])
    assert response.status_code == 302 and response["Location"] == reverse("home")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login_verify"))
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(reverse("login_enrol"))


def test_a_superuser_needs_two_factors_too(client, org):
    from accounts.models import User

    User.objects.create_superuser("root", "root@example.cn", PASSWORD)
    password_login(client, User.objects.get(username="root"))
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"].startswith(reverse("login_verify"))


@pytest.mark.parametrize("persona", ["staff_xy", "dept_gxj", "inspector_xy", "liaison_xy"])
def test_other_posts_sign_in_with_the_password_alone(client, personas, persona):
    password_login(client, personas[persona])
    assert client.get(reverse("home")).status_code == 200


def _urls_without_arguments():
    from django.urls import get_resolver

    names = []

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                if pattern.namespace == "admin":
                    continue
                walk(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif pattern.name:
                name = f"{namespace}{pattern.name}"
                with contextlib.suppress(NoReverseMatch):
                    names.append((name, reverse(name)))

    walk(get_resolver())
    return names


OPEN = {"login", "logout", "login_verify", "login_enrol", "login_enrol_qr", "set_language"}


def test_an_unverified_signing_post_reaches_nothing_but_verify_enrol_and_logout(client, personas, enterprise_xy):
    secretary = personas["secretary_xy"]
    totp_device(secretary)
    password_login(client, secretary)
    urls = [(n, u) for n, u in _urls_without_arguments() if n not in OPEN]
    urls += [("enterprise", enterprise_xy.get_absolute_url()), ("admin", "/admin/"),
             ("people", reverse("people:detail", args=[secretary.pk]))]
    assert len(urls) > 30
    for name, url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login_verify")), name
        response = client.post(url, {})
        assert response.status_code == 403, name
    # Verified, the same session goes on.
    client.post(reverse("login_verify"), {"token": totp_code(totp_device(secretary))})
    assert client.get(enterprise_xy.get_absolute_url()).status_code == 200


def test_enrol_scan_confirm_and_keep_ten_recovery_codes(client, personas):
    director = personas["director_xy"]
    password_login(client, director)
    page = client.get(reverse("login_enrol"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="/accounts/2fa/enrol/qr.png"' in body and "otp-secret" in body
    qr = client.get(reverse("login_enrol_qr"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png" and qr.content.startswith(b"\x89PNG")
    assert code_from_page(client.get(reverse("login_enrol")).content.decode()) == code_from_page(body)
    # A wrong code: refused, nothing confirmed.
    response = client.post(reverse("login_enrol"), {"token": "000000" if code_from_page(body) != "000000" else "111111"})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=director, confirmed=True).exists()
    unthrottle(director)
    response = client.post(reverse("login_enrol"), {"token": code_from_page(body)})
    assert response.status_code == 200
    codes = response.content.decode().split('id="recovery-codes">', 1)[1].split("</ol>", 1)[0]
    shown = [c.split("</li>")[0] for c in codes.split("<li>")[1:]]
    assert len(shown) == 10 and len(set(shown)) == 10
    assert sorted(StaticToken.objects.filter(device__user=director).values_list("token", flat=True)) == sorted(shown)
    assert client.get(reverse("home")).status_code == 200
    # Enrolled: a new sign-in asks for the code, and offers no new key.
    client.post(reverse("logout"))
    password_login(client, director)
    assert client.get(reverse("login_enrol"))["Location"] == reverse("login_verify")
    assert client.get(reverse("login_enrol_qr")).status_code == 404


def test_a_wrong_code_is_refused_with_a_401_and_a_used_code_cannot_be_replayed(client, personas):
    taskforce = personas["taskforce"]
    device = totp_device(taskforce)
    password_login(client, taskforce)
    response = client.post(reverse("login_verify"), {"token": "12345x"})
    assert response.status_code == 401 and "验证码不正确" in response.content.decode()
    code = totp_code(device)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    assert client.post(reverse("login_verify"), {"token": wrong}).status_code == 401
    unthrottle(taskforce)
    response = client.post(reverse("login_verify"), {"token": code, "next": "/enterprises/"})
    assert response.status_code == 302 and response["Location"] == "/enterprises/"
    other = type(client)()
    password_login(other, taskforce)
    assert other.post(reverse("login_verify"), {"token": code}).status_code == 401  # replayed
    assert other.get(reverse("home")).status_code == 302


def test_a_recovery_code_works_once(client, personas):
    from accounts.services.twofactor import recovery_codes_new

    admin = personas["district_admin"]
    totp_device(admin)
    codes = recovery_codes_new(admin)
    password_login(client, admin)
    assert client.post(reverse("login_verify"), {"token": codes[3].upper()}).status_code == 302
    assert client.get(reverse("people:list")).status_code == 200
    client.post(reverse("logout"))
    password_login(client, admin)
    assert client.post(reverse("login_verify"), {"token": codes[3]}).status_code == 401
    assert client.get(reverse("people:list")).status_code == 302
    assert StaticToken.objects.filter(device__user=admin).count() == 9


def test_the_next_address_is_kept_and_an_outside_one_refused(client, personas):
    director = personas["director_xy"]
    device = totp_device(director)
    password_login(client, director)
    response = client.get("/enterprises/?q=x")
    assert response["Location"] == reverse("login_verify") + "?next=%2Fenterprises%2F%3Fq%3Dx"
    response = client.post(reverse("login_verify"), {"token": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_a_verified_request_loads_no_device_and_writes_no_session(client, personas):
    taskforce = personas["taskforce"]
    client.force_login(taskforce)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "otp_" not in sql and "django_session" not in sql and "accounts_usersession" not in sql


def test_the_test_login_helper_needs_the_code_too(client, personas):
    """The tests' way in (``force_login``) is the verified one; stopping after the password is not."""
    force_login_password_only(client, personas["secretary_xy"])
    assert client.get(reverse("home")).status_code == 302
