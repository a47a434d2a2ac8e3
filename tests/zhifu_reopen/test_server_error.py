"""A database outage answers 503 with Retry-After (a client retries), any other failure 500."""

import pytest
from django.test import Client


@pytest.fixture
def client_no_raise(settings):
    settings.ROOT_URLCONF = "tests.zhifu_reopen.urls_server_error"
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/db-gone/", "/closed/"])
def test_a_database_outage_is_a_503_with_retry_after(client_no_raise, url):
    response = client_no_raise.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "数据库暂时无法连接" in response.content.decode()


def test_any_other_failure_stays_a_500(client_no_raise):
    response = client_no_raise.get("/bug/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "服务器出现错误" in response.content.decode()
