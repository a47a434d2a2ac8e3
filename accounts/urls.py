from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, reverse_lazy

from .views import auth, people, security

# Mounted at the site's root (zhifu_reopen/urls.py): sign-in and passwords under accounts/ (the names
# Django's auth views expect, without a namespace), people and posts under people/ ("people:").
people_patterns = [
    path("", people.people_list, name="list"),
    path("new/", people.account_create, name="create"),
    path("<int:pk>/", people.person_detail, name="detail"),
    path("<int:pk>/appoint/", people.post_appoint, name="appoint"),
    path("<int:pk>/move/", people.post_move, name="move"),
    path("<int:pk>/end/", people.post_end, name="end"),
    path("<int:pk>/deactivate/", people.account_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", people.account_reactivate, name="reactivate"),
    path("<int:pk>/password-reset/", people.password_reset, name="password_reset"),
]

auth_patterns = [
    path("login/", login_not_required(auth.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    # issue 13 (auth): the second factor, the user's sessions, the district administrator's lockouts.
    path("2fa/", security.login_verify, name="login_verify"),
    path("2fa/enrol/", security.login_enrol, name="login_enrol"),
    path("2fa/enrol/qr.png", security.login_enrol_qr, name="login_enrol_qr"),
    path("sessions/", security.sessions_list, name="sessions"),
    path("sessions/<int:pk>/end/", security.session_end, name="session_end"),
    path("sessions/end-others/", security.sessions_end_others, name="sessions_end_others"),
    path("lockouts/", security.lockouts_list, name="lockouts"),
    path("lockouts/unlock/", security.lockout_unlock, name="lockout_unlock"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    # The one-time link a manager hands out (accounts.services.people.set_password_path).
    path(
        "password/set/<uidb64>/<token>/",
        login_not_required(auth.PasswordSetView.as_view(
            template_name="accounts/password_set.html", success_url=reverse_lazy("password_set_done"),
        )),
        name="password_set",
    ),
    path(
        "password/set/done/",
        login_not_required(auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_set_done.html")),
        name="password_set_done",
    ),
]

urlpatterns = [
    path("accounts/", include(auth_patterns)),
    path("people/", include((people_patterns, "people"))),
]
