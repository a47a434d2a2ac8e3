from django.urls import path

from . import views

app_name = "placards"

urlpatterns = [
    path("", views.placard_list, name="list"),
    path("batch/", views.placard_batch, name="batch"),
    path("<int:pk>/", views.placard_detail, name="detail"),
    path("<int:pk>/download/", views.placard_download, name="download"),
    path("<int:pk>/reprint/", views.placard_reprint, name="reprint"),
    path("<int:pk>/suspend/", views.placard_suspend, name="suspend"),
    path("<int:pk>/revoke/", views.placard_revoke, name="revoke"),
    path("<int:pk>/reinstate/", views.placard_reinstate, name="reinstate"),
]
