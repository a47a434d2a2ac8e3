"""The public verify page behind a proxy (issue 13, item 6): a limit per client address and a ceiling for
everybody, both counted in Redis before any database query; the proxy's header believed only from a
trusted proxy."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from placards.models import PlacardScan
from placards.services import scans

from .helpers import approve

pytestmark = pytest.mark.django_db
NOW = 1_800_000_030.0  # a fixed clock: every request of a test falls in the same second and minute


@pytest.fixture(autouse=True)
def _limits(settings, monkeypatch):
    settings.PLACARD_SCAN_BUFFER = 1
    settings.PLACARD_VERIFY_RATE_LIMIT = 3
    settings.PLACARD_VERIFY_GLOBAL_LIMIT = 0
    settings.TRUSTED_PROXIES = []
    monkeypatch.setattr(scans, "_now", lambda: NOW)
    cache.clear()


@pytest.fixture
def placard(enterprise_xy, personas):
    return approve(enterprise_xy, personas["secretary_xy"])


def verify(placard, remote="203.0.113.57", **headers):
    return Client(REMOTE_ADDR=remote, **headers).get(reverse("placard_verify", args=[placard.token]))


def test_a_refused_request_costs_no_database_query(placard, django_assert_num_queries):
    assert [verify(placard).status_code for _ in range(3)] == [200] * 3
    with django_assert_num_queries(0):
        response = verify(placard)
    assert response.status_code == 429
    assert response["Retry-After"] == "31"  # the rest of the minute (the clock stands at :30)
    html = response.content.decode()
    assert "请求过于频繁" in html and "请稍候一分钟再试" in html
    assert PlacardScan.objects.count() == 3  # a refused request is not a scan


def test_the_global_ceiling_refuses_everybody_cheaply(placard, settings, django_assert_num_queries):
    settings.PLACARD_VERIFY_RATE_LIMIT = 100
    settings.PLACARD_VERIFY_GLOBAL_LIMIT = 4
    codes = [verify(placard, remote=f"198.51.100.{n}").status_code for n in range(4)]
    assert codes == [200] * 4
    with django_assert_num_queries(0):
        response = verify(placard, remote="198.51.100.200")  # a fresh address: the ceiling, not its limit
    assert response.status_code == 429 and response["Retry-After"] == "1"
    assert "核验服务繁忙" in response.content.decode()
    scans._now = lambda: NOW + 1  # the next second: served again
    assert verify(placard, remote="198.51.100.200").status_code == 200


def test_one_office_over_its_limit_does_not_limit_the_others(placard, settings):
    """A NAT'd office floods: its requests past its own limit are refused without counting towards the
    ceiling, so the rest of the city is still served."""
    settings.PLACARD_VERIFY_GLOBAL_LIMIT = 5
    office = [verify(placard, remote="203.0.113.57").status_code for _ in range(20)]
    assert office == [200] * 3 + [429] * 17
    assert verify(placard, remote="198.51.100.1").status_code == 200
    assert verify(placard, remote="198.51.100.2").status_code == 200


def test_ipv6_clients_are_counted_per_64(placard):
    codes = [verify(placard, remote=f"2001:db8:1:2::{n}").status_code for n in range(1, 5)]
    assert codes == [200] * 3 + [429]
    assert verify(placard, remote="2001:db8:1:3::1").status_code == 200


def test_the_proxy_header_is_honoured_from_a_trusted_proxy(placard, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = "10.0.0.5"
    for _ in range(3):
        assert verify(placard, remote=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200
    assert verify(placard, remote=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # another client through the same proxy has its own limit
    assert verify(placard, remote=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200
    assert set(PlacardScan.objects.values_list("network", flat=True)) == {"198.51.100.0/24"}


def test_a_spoofed_header_from_an_untrusted_client_is_ignored(placard, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    codes = [verify(placard, remote="203.0.113.57", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
             for n in range(6)]
    assert codes == [200] * 3 + [429] * 3  # a fresh forged address each time does not escape the limit
    assert set(PlacardScan.objects.values_list("network", flat=True)) == {"203.0.113.0/24"}


def test_without_trusted_proxies_everybody_behind_a_proxy_is_one_client(placard):
    codes = [verify(placard, remote="10.0.0.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
             for n in range(4)]
    assert codes == [200] * 3 + [429]


def test_redis_down_the_page_is_served_without_limits(placard, settings):
    """The cache fails open: while Redis is unreachable every counter reads 1, so the limits do not hold
    and the page is served from the database (the lesser harm than refusing every scan)."""
    from zhifu_reopen.breaker import cache_breaker

    settings.PLACARD_VERIFY_RATE_LIMIT = 1
    settings.PLACARD_VERIFY_GLOBAL_LIMIT = 1
    cache_breaker.trip(ConnectionError("Redis down"))
    assert [verify(placard).status_code for _ in range(3)] == [200] * 3
