from django.urls import path

from .views import actions, pages

app_name = "approvals"

urlpatterns = [
    path("", pages.application_list, name="list"),
    path("queue/", pages.queue, name="queue"),
    path("reminders/read/", actions.reminders_read, name="reminders_read"),
    path("roster-template.xlsx", actions.roster_template, name="roster_template"),
    path("new/<int:enterprise_pk>/", pages.application_create_view, name="create"),
    path("<int:pk>/", pages.application_detail, name="detail"),
    path("<int:pk>/edit/", pages.application_edit_view, name="edit"),
    path("<int:pk>/materials/", actions.material_upload_view, name="material_upload"),
    path("<int:pk>/materials/<int:material_pk>/", actions.material_download, name="material_download"),
    path("<int:pk>/employees/", actions.employee_add_view, name="employee_add"),
    path("<int:pk>/employees/export/", actions.roster_export, name="roster_export"),
    path("<int:pk>/employees/import/", actions.roster_import_view, name="roster_import"),
    path("<int:pk>/employees/<int:employee_pk>/remove/", actions.employee_remove_view, name="employee_remove"),
    path("<int:pk>/meeting/", actions.meeting_view, name="meeting"),
    path("<int:pk>/submit/", actions.submit_view, name="submit"),
    path("<int:pk>/withdraw/", actions.withdraw_view, name="withdraw"),
    path("<int:pk>/verdicts/", actions.verdicts_view, name="verdicts"),
    path("<int:pk>/decide/", actions.decide_view, name="decide"),
    path("<int:pk>/sign/", actions.sign_view, name="sign"),
    path("<int:pk>/remind/", actions.remind_view, name="remind"),
]
