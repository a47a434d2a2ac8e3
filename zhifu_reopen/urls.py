from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts import views as account_views
from placards import views as placard_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("people/", include("accounts.people_urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("enterprises/", include("enterprises.urls")),
    path("jobs/", include("zhifu_reopen.job_urls")),
    path("applications/", include("approvals.urls")),
    path("placards/", include("placards.urls")),
    path("v/<str:token>/", placard_views.verify, name="placard_verify"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
