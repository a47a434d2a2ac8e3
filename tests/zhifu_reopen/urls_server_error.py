"""A URLconf whose pages fail as a database outage does (tests/zhifu_reopen/test_server_error.py)."""

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.urls import path

from zhifu_reopen.urls import handler500  # noqa: F401  (the product's handler, looked up on this module)


@login_not_required
def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


@login_not_required
def connection_closed(request):
    raise InterfaceError("connection already closed")


@login_not_required
def broken(request):
    raise ValueError("a bug")


urlpatterns = [
    path("db-gone/", database_gone),
    path("closed/", connection_closed),
    path("bug/", broken),
]
