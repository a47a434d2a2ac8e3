from django.urls import include, path

from .views import pages

# Mounted at the site's root (zhifu_reopen/urls.py): the pages under placards/ ("placards:"), and the
# public verify page a placard's QR code points at under v/, outside placards/.
placard_patterns = [
    path("", pages.placard_list, name="list"),
    path("batch/", pages.placard_batch, name="batch"),
    path("<int:pk>/", pages.placard_detail, name="detail"),
    path("<int:pk>/download/", pages.placard_download, name="download"),
    path("<int:pk>/reprint/", pages.placard_reprint, name="reprint"),
    path("<int:pk>/suspend/", pages.placard_suspend, name="suspend"),
    path("<int:pk>/revoke/", pages.placard_revoke, name="revoke"),
    path("<int:pk>/reinstate/", pages.placard_reinstate, name="reinstate"),
]

urlpatterns = [
    path("placards/", include((placard_patterns, "placards"))),
    path("v/<str:token>/", pages.verify, name="placard_verify"),
]
