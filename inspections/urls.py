"""The patrol pages: recording (inspections, photos, checklists), enforcement (orders, stop-work,
unauthorised openings) and the look-back due list with the teams."""

from django.urls import path  # noqa: F401

app_name = "inspections"

urlpatterns: list = []
