"""What the security gate's semgrep rule `unchecked-int-param` found: two inspection pages converted
``?enterprise=`` with int() after str.isdigit(), which "²" passes, so they answered 500. Now a 400 with a
Chinese message; the Jinja2 engine refuses to be configured without autoescaping (bandit B701)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from zhifu_reopen.jinja2 import environment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["inspections:new", "inspections:unauthorised_new"])
@pytest.mark.parametrize("value", ["²", "99999999999999999999999"])
def test_enterprise_parameter_is_checked(client_for, name, value):
    page = client_for("inspector_xy").get(reverse(name), {"enterprise": value})
    assert page.status_code == 400
    assert "参数“enterprise”" in page.content.decode()


def test_jinja2_environment_refuses_autoescape_off():
    with pytest.raises(ImproperlyConfigured):
        environment(hooks={}, autoescape=False)
    assert environment(hooks={}).autoescape is True
