"""Issue 13 §3: the Content-Security-Policy with a fresh nonce on every response, the templates free of
inline code, HSTS / the HTTPS redirect behind the proxy, and the other security headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]
NONCE_IN_HEADER = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'")


def csp_of(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in header.split(";"))}


def nonce_of(response) -> str:
    match = NONCE_IN_HEADER.search(response.headers["Content-Security-Policy"])
    assert match, response.headers["Content-Security-Policy"]
    return match.group(1)


@pytest.mark.django_db
def test_the_login_page_carries_the_policy_and_its_inline_script_the_same_nonce():
    client = Client()
    first, second = client.get("/accounts/login/"), client.get("/accounts/login/")
    assert first.status_code == second.status_code == 200
    policy = csp_of(first)
    assert policy["default-src"] == "'self'"
    assert "'unsafe-inline'" not in first.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in first.headers["Content-Security-Policy"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'" and policy["form-action"] == "'self'"
    nonce = nonce_of(first)
    assert f'<script nonce="{nonce}">' in first.content.decode()
    assert nonce_of(second) != nonce  # fresh per response
    assert len(nonce) >= 16


@pytest.mark.django_db
def test_a_signed_in_page_and_a_form_error_page_carry_a_nonce(client_for):
    client = client_for("staff_xy")
    page = client.get("/enterprises/")
    assert page.status_code == 200
    assert f'nonce="{nonce_of(page)}"' in page.content.decode()
    refused = client.post("/enterprises/new/", {"name": ""})
    assert refused.status_code == 400
    assert f'nonce="{nonce_of(refused)}"' in refused.content.decode()
    assert nonce_of(refused) != nonce_of(page)


@pytest.mark.django_db
def test_the_admin_renders_its_nonce_too(personas):
    from accounts.models import User

    admin = User.objects.create_superuser("root-csp", password="x-long-password-1")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/accounts/user/")
    assert page.status_code == 200
    # The change list's own <style> and scripts carry the header's nonce ({% csp_nonce_attr %}).
    assert f'nonce="{nonce_of(page)}"' in page.content.decode()
    # django-guardian's object-permission page, read-only here, without guardian's un-nonced <style>.
    from org.models import Jurisdiction

    grants = client.get(f"/admin/org/jurisdiction/{Jurisdiction.objects.order_by('pk').first().pk}/permissions/")
    assert grants.status_code == 200 and 'id="grants-read-only"' in grants.content.decode()
    assert not re.search(r"<style(?![^>]*nonce=)", grants.content.decode())


@pytest.mark.django_db
def test_the_public_verify_page_and_404s_carry_the_policy():
    response = Client().get("/v/not-a-token/")
    assert response.status_code == 404
    assert csp_of(response)["script-src"].startswith("'self'")
    assert "<style" not in response.content.decode()  # its sheet is a static file


def test_no_template_holds_inline_code_or_style_attributes():
    """Every inline <script>/<style> of templates/ carries the nonce; no on…= handler, javascript: URL or
    style="" attribute is left (the policy would block them)."""
    bad = []
    checks = [
        (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")(?![^>]*nonce=\"\{\{ csp_nonce \}\}\")[^>]*>"),
         "inline <script> without the nonce"),
        (re.compile(r"<style(?![^>]*nonce=\"\{\{ csp_nonce \}\}\")[^>]*>"), "<style> without the nonce"),
        (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "inline event handler"),
        (re.compile(r"javascript:", re.I), "javascript: URL"),
        (re.compile(r"\sstyle\s*=\s*[\"']", re.I), "style attribute"),
    ]
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "zhifu_reopen/templates").rglob("*.html")):
        text = path.read_text()
        for pattern, what in checks:
            for match in pattern.finditer(text):
                bad.append(f"{path.relative_to(ROOT)}: {what}: {match.group(0)[:80]}")
    assert not bad, "\n".join(bad)


@pytest.mark.django_db
def test_frame_sniffing_and_referrer_headers_stay():
    response = Client().get("/accounts/login/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


PRODUCTION_HTTPS = dict(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))


@pytest.mark.django_db
def test_behind_the_proxy_plain_http_is_redirected_and_https_gets_hsts_for_a_year():
    with override_settings(**PRODUCTION_HTTPS):
        client = Client()  # the middleware reads its settings when the handler is built
        plain = client.get("/accounts/login/")
        assert plain.status_code == 301 and plain.headers["Location"] == "https://testserver/accounts/login/"
        secure = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
        assert secure.status_code == 200
        assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        # A health probe from inside the network is not redirected.
        assert client.get("/healthz").status_code != 301
