from django.urls import path

from . import views, views_close, views_io

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create_view, name="create"),
    path("check-code/", views.credit_code_check, name="check_code"),
    path("coverage/", views.survey_coverage_view, name="coverage"),
    path("import/", views_io.import_view, name="import"),
    path("import/template/", views_io.import_template, name="import_template"),
    path("export/", views_io.export_view, name="export"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit_view, name="edit"),
    path("<int:pk>/close/", views_close.enterprise_close_view, name="close"),
    path("<int:pk>/visits/", views.survey_visit_create, name="visit_create"),
]
