from django.urls import path

from .views import assignments, daily, problems

app_name = "liaisons"

urlpatterns = [
    path("problems/", problems.problem_list, name="problems"),
    path("problems/export/", problems.problem_export, name="problems_export"),
    path("problems/new/", problems.problem_new, name="problem_new"),
    path("problems/<int:pk>/", problems.problem_detail, name="problem"),
    path("problems/<int:pk>/act/", problems.problem_act_view, name="problem_act"),
    path("problems/<int:pk>/rate/", problems.problem_rate_view, name="problem_rate"),
    path("attachments/<int:pk>/", problems.attachment_file, name="attachment"),
    path("daily/", daily.completeness_view, name="daily"),
    path("daily/enterprises/<int:pk>/", daily.enterprise_log, name="daily_enterprise"),
    path("daily/enterprises/<int:pk>/regime/", daily.regime_view, name="regime"),
    path("enterprises/<int:pk>/assign/", assignments.assign_view, name="assign"),
    path("enterprises/<int:pk>/unassign/", assignments.unassign_view, name="unassign"),
    path("people/<int:pk>/", assignments.liaison_page, name="liaison"),
    path("people/<int:pk>/handover/", assignments.handover_view, name="handover"),
]
