"""The root URLconf's ``handler500``: an error page that needs nothing but a template file.

While the database is unreachable (a restart, a failover) every page fails with an ``OperationalError`` /
``InterfaceError``; those answer 503 with ``Retry-After`` (the fault tests saw PostgreSQL back within a
second of its restart, and Django reconnects by itself: ``conn_health_checks``), so a proxy or a phone
retries instead of showing "server error". Anything else stays a 500. Neither page touches the database,
the session or the cache."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

RETRY_AFTER_SECONDS = 5


def server_error(request, *args, **kwargs):
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
