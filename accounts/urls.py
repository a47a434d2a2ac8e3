from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from . import views

urlpatterns = [
    path("login/", login_not_required(views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    # The one-time link a manager hands out (accounts.services.people.set_password_path).
    path(
        "password/set/<uidb64>/<token>/",
        login_not_required(auth_views.PasswordResetConfirmView.as_view(
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
