"""Issue 13 journey: a street's director signs in for the first time, is led to set up two-step
verification, scans (here: reads) the key, types the authenticator's code, keeps the ten recovery codes
and goes on to the page they asked for; on the next sign-in a recovery code stands in for the code."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_director_enrols_two_step_verification_on_first_sign_in(new_page, shot, personas, live_server):
    director = personas["director_xy"]
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", director.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/enrol/**")
    assert page.locator("#otp-enrol h1").inner_text() == "设置两步验证"
    page.wait_for_function("() => document.querySelector('#otp-qr').naturalWidth > 100")  # the QR code drawn
    shot(page, "2fa-1-enrol")
    # Nothing else opens meanwhile.
    page.goto(f"{live_server.url}/enterprises/")
    page.wait_for_url("**/accounts/2fa/enrol/**")

    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("input[name=token]", f"{totp(key):06d}")
    page.click("#otp-enrol button.primary")
    page.wait_for_selector("#recovery-codes")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    shot(page, "2fa-2-recovery-codes")
    page.click("#recovery-done")
    page.wait_for_url(f"{live_server.url}/enterprises/")  # where they were going
    assert "向阳街道" in page.locator("main").inner_text()

    # Signed out and in again: the code is asked for; a recovery code stands in for it, once.
    page.locator("form[action='/accounts/logout/'] button").first.click()
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", director.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/**")
    page.fill("input[name=token]", codes[0])
    page.click("#otp-verify button.primary")
    page.wait_for_url(f"{live_server.url}/")
    shot(page, "2fa-3-signed-in")
