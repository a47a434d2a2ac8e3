from django.urls import path

from .views import accounts, close, import_export, registry

app_name = "enterprises"

urlpatterns = [
    path("", registry.enterprise_list, name="list"),
    path("new/", registry.enterprise_create_view, name="create"),
    path("check-code/", registry.credit_code_check, name="check_code"),
    path("coverage/", registry.survey_coverage_view, name="coverage"),
    path("import/", import_export.import_view, name="import"),
    path("import/template/", import_export.import_template, name="import_template"),
    path("export/", import_export.export_view, name="export"),
    path("<int:pk>/", registry.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", registry.enterprise_edit_view, name="edit"),
    path("<int:pk>/close/", close.enterprise_close_view, name="close"),
    path("<int:pk>/visits/", registry.survey_visit_create, name="visit_create"),
    path("<int:pk>/account/open/", accounts.account_open_view, name="account_open"),
    path("<int:pk>/account/link/", accounts.account_link_view, name="account_link"),
    path("<int:pk>/account/close/", accounts.account_close_view, name="account_close"),
]
