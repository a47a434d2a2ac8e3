import pytest
from django.test import Client
from django.urls import reverse

from placards.models import Placard, PlacardScan
from placards.services import placard_reinstate, placard_revoke, placard_suspend
from placards.services.scans import anonymise_address, scan_buffer

from .helpers import approve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _unbuffered(settings):
    settings.PLACARD_SCAN_BUFFER = 1
    settings.PLACARD_VERIFY_RATE_LIMIT = 120
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def placard(enterprise_xy, personas):
    enterprise_xy.legal_representative = "王大伟"
    enterprise_xy.prevention_contact = "李小娜"
    enterprise_xy.prevention_mobile = "13912345678"
    enterprise_xy.save()
    return approve(enterprise_xy, personas["secretary_xy"])


def get(token, **extra):
    return Client(REMOTE_ADDR="203.0.113.57", HTTP_USER_AGENT="Mozilla/5.0 (iPhone) MicroMessenger/7.0",
                  **extra).get(reverse("placard_verify", args=[token]))


def assert_no_personal_data(html: str, placard: Placard):
    enterprise = placard.enterprise
    for secret in (enterprise.legal_representative, enterprise.prevention_contact, enterprise.prevention_mobile,
                   placard.application.filed_by.full_name, placard.application.filed_by.username,
                   placard.issued_by.username):
        assert secret not in html, secret
    assert "1391234" not in html


def test_valid_placard_without_login(placard):
    response = get(placard.token)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="valid"' in html and "有效" in html
    assert placard.enterprise.name in html and placard.number in html and "向阳街道" in html
    assert f"{placard.approved_on.year}年{placard.approved_on.month}月{placard.approved_on.day}日" in html
    assert response["Cache-Control"] == "no-store"
    assert_no_personal_data(html, placard)


@pytest.mark.parametrize(("change", "status", "word"), [
    ("suspend", "suspended", "已暂停"), ("revoke", "revoked", "已撤销"),
])
def test_suspended_and_revoked_show_at_once_with_reason(placard, personas, change, status, word):
    service = {"suspend": placard_suspend, "revoke": placard_revoke}[change]
    service(placard=placard, actor=personas["taskforce"], reason="巡查发现未落实测温登记，责令停工整改")
    html = get(placard.token).content.decode()
    assert f'data-status="{status}"' in html and word in html
    assert "巡查发现未落实测温登记，责令停工整改" in html
    assert_no_personal_data(html, placard)


def test_reinstated_is_valid_again(placard, personas):
    placard_suspend(placard=placard, actor=personas["taskforce"], reason="停工整改")
    placard_reinstate(placard=placard, actor=personas["taskforce"], reason="复查合格")
    html = get(placard.token).content.decode()
    assert 'data-status="valid"' in html


def test_every_scan_is_recorded_anonymised(placard):
    get(placard.token)
    get(placard.token)
    scans = list(PlacardScan.objects.filter(placard=placard))
    assert len(scans) == 2
    assert {s.network for s in scans} == {"203.0.113.0/24"}
    assert "MicroMessenger" in scans[0].user_agent
    assert not PlacardScan.objects.filter(network__contains="203.0.113.57").exists()


def test_unknown_token_gets_a_friendly_404(placard):
    for token in ("x" * 32, "short", placard.token[:-1] + ("A" if placard.token[-1] != "A" else "B")):
        response = get(token)
        assert response.status_code == 404
        assert "未找到该公示牌" in response.content.decode()
    assert not PlacardScan.objects.exists()


def test_rate_limit(placard, settings):
    settings.PLACARD_VERIFY_RATE_LIMIT = 5
    codes = [get(placard.token).status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    other = Client(REMOTE_ADDR="198.51.100.1").get(reverse("placard_verify", args=[placard.token]))
    assert other.status_code == 200


def test_anonymise_address():
    assert anonymise_address("203.0.113.57") == "203.0.113.0/24"
    assert anonymise_address("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert anonymise_address("::ffff:10.1.2.3") == "10.1.2.0/24"
    assert anonymise_address("garbage") == ""


def test_buffered_scans_are_flushed(placard, settings):
    settings.PLACARD_SCAN_BUFFER = 3
    get(placard.token)
    get(placard.token)
    assert PlacardScan.objects.count() == 0  # held in the process buffer
    get(placard.token)
    assert PlacardScan.objects.count() == 3  # buffer full: written in one INSERT
    get(placard.token)
    assert scan_buffer.flush() == 1  # the timer / process exit writes the rest
    assert PlacardScan.objects.count() == 4


def test_the_dates_follow_the_readers_language(placard):
    """Issue 7 §23.3: an English reader gets English dates, not 2026年12月3日."""
    from django.utils import dateformat, timezone, translation

    day = placard.approved_on
    chinese = get(placard.token).content.decode()
    assert f'<dd id="verify-approved-on">{day.year}年{day.month}月{day.day}日</dd>' in chinese
    english = Client(REMOTE_ADDR="203.0.113.58", HTTP_COOKIE="django_language=en").get(
        reverse("placard_verify", args=[placard.token])).content.decode()
    with translation.override("en"):
        expected_day = dateformat.format(day, "j F Y")
        expected_moment = dateformat.format(timezone.localtime(placard.status_changed_at), "j F Y, H:i")
    assert 'lang="en"' in english
    assert f'<dd id="verify-approved-on">{expected_day}</dd>' in english
    assert f"Since {expected_moment}" in english
    assert "年" not in english and "月" not in english
