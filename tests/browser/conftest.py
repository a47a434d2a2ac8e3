"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API against the live
server. Screenshots go to artifacts/screenshots/ (git-ignored)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1920,1200",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(viewport=(375, 740))`` → a fresh browser context (its own cookies) and page."""
    contexts = []

    def make(viewport=(1280, 900), locale="zh-CN"):
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale=locale, accept_downloads=True,
            base_url=live_server.url,
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def login(live_server):
    """``login(page, user)`` signs in through the real login form — and, for a post that needs a second
    factor, types the current code of the user's authenticator (issue 13: ``tests.conftest.totp_code``)."""
    from accounts.roles import needs_two_factor
    from tests.conftest import PASSWORD, totp_code, totp_device

    def do(page, user, password=PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        # Enrolled before (the enrolment itself is test_two_factor_journey's).
        device = totp_device(user) if needs_two_factor(user) else None
        page.click("main button[type=submit]")
        if device is not None:
            page.wait_for_selector("#otp-verify")
            page.fill("input[name=token]", totp_code(device))
            page.click("#otp-verify button.primary")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do


@pytest.fixture
def shot():
    """``shot(page, "name")`` keeps a full-page screenshot as an artifact."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        path = SHOTS / f"{name}.png"
        size = page.viewport_size
        page.screenshot(path=str(path), full_page=True)
        # A full-page shot resizes the viewport behind the page's back; restore it and the scroll
        # position, or the next click near the bottom lands on a shifted layout.
        page.set_viewport_size(size)
        page.evaluate("() => window.scrollTo(0, 0)")
        return path

    return take
