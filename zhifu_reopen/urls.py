"""The root URLconf wires the apps by their URLconf's dotted path (Django's include), so this module
imports none of them: zhifu_reopen is the base layer that every app may import (pyproject.toml)."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import health

urlpatterns = [
    path("", include("dashboards.urls")),
    path("", include("accounts.urls")),  # accounts/… and people/…
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("enterprises/", include("enterprises.urls")),
    path("jobs/", include("zhifu_reopen.job_urls")),
    path("applications/", include("approvals.urls")),
    path("inspections/", include("inspections.urls")),
    path("liaisons/", include("liaisons.urls")),
    path("", include("placards.urls")),  # placards/… and the public verify page v/<token>/
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),  # the process (issue 13)
    path("readyz", health.readyz, name="readyz"),  # database, migrations, broker, a live worker
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database outage answers 503 with Retry-After, anything else 500 (zhifu_reopen/server_error.py).
handler500 = "zhifu_reopen.server_error.server_error"
