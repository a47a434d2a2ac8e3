"""The client's address behind a trusted proxy only (issue 13, item 6): zhifu_reopen/client_ip.py."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from zhifu_reopen.client_ip import client_ip


def request(remote: str, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_the_headers_are_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.57", HTTP_X_FORWARDED_FOR="198.51.100.1")) == "203.0.113.57"
    assert client_ip(request("203.0.113.57", HTTP_X_REAL_IP="198.51.100.1")) == "203.0.113.57"


def test_the_header_is_believed_from_a_trusted_proxy_only(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    assert client_ip(request("10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "198.51.100.7"
    assert client_ip(request("::1", HTTP_X_FORWARDED_FOR="2001:db8::7")) == "2001:db8::7"
    # a client that is not the proxy writes what it likes: not believed
    assert client_ip(request("203.0.113.57", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "203.0.113.57"
    # from the proxy but without the header: the proxy itself
    assert client_ip(request("10.0.0.5")) == "10.0.0.5"


def test_the_right_most_address_that_is_not_a_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # the client wrote "1.2.3.4" itself; 198.51.100.7 is what our first proxy saw; 10.1.1.1 a second proxy
    xff = "1.2.3.4, 198.51.100.7, 10.1.1.1"
    assert client_ip(request("10.0.0.5", HTTP_X_FORWARDED_FOR=xff)) == "198.51.100.7"
    assert client_ip(request("10.0.0.5", HTTP_X_FORWARDED_FOR="10.9.9.9, 10.1.1.1")) == "10.9.9.9"
    assert client_ip(request("10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7:51234")) == "198.51.100.7"
    assert client_ip(request("10.0.0.5", HTTP_X_FORWARDED_FOR="[2001:db8::7]:443")) == "2001:db8::7"


@pytest.mark.parametrize("bad", ["not-an-ip", "198.51.100.7, , 10.1.1.1", "198.51.100.7,evil", "<script>",
                                 ",".join(["198.51.100.7"] * 40)])
def test_a_malformed_header_falls_back_to_the_peer(settings, bad):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request("10.0.0.5", HTTP_X_FORWARDED_FOR=bad)) == "10.0.0.5"


def test_x_real_ip(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    r = request("10.0.0.5", HTTP_X_REAL_IP="198.51.100.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(r) == "198.51.100.9"  # the configured header, not the other one
    assert client_ip(request("10.0.0.6", HTTP_X_REAL_IP="198.51.100.9")) == "10.0.0.6"


def test_a_bad_trusted_proxy_stops_start_up(monkeypatch):
    import importlib

    import zhifu_reopen.settings as settings_module

    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,proxy.example")
    try:
        with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
            importlib.reload(settings_module)
    finally:
        monkeypatch.delenv("TRUSTED_PROXIES")
        importlib.reload(settings_module)
