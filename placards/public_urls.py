"""The public verify page a placard's QR code points at: at the site's root, outside ``/placards/``."""

from django.urls import path

from . import views

urlpatterns = [path("v/<str:token>/", views.verify, name="placard_verify")]
