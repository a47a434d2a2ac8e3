from django.urls import path

from .views import audit, dashboard, home, reports

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/refresh/", dashboard.refresh, name="dashboard_refresh"),
    path("dashboard/lists/<str:key>/", dashboard.list_view, name="dashboard_list"),
    path("dashboard/lists/<str:key>/export/", dashboard.list_export, name="dashboard_export"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/make/", reports.report_make, name="report_make"),
    path("reports/<int:pk>/<str:fmt>/", reports.report_file, name="report_file"),
    path("audit/", audit.audit_trail, name="audit_trail"),
    path("audit/export/", audit.audit_export, name="audit_export"),
]
