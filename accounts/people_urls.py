from django.urls import path

from . import people_views as views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/appoint/", views.post_appoint, name="appoint"),
    path("<int:pk>/move/", views.post_move, name="move"),
    path("<int:pk>/end/", views.post_end, name="end"),
    path("<int:pk>/deactivate/", views.account_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.account_reactivate, name="reactivate"),
    path("<int:pk>/password-reset/", views.password_reset, name="password_reset"),
]
