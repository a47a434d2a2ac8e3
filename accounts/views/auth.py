"""Sign-in (issue 13): a refused login answers 401 (wrong name or password) or 400 (the form incomplete),
a locked-out one 429 (``accounts.views.security.lockout_response``); a password change ends the user's
other sessions, a password set on a one-time link ends them all."""

from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from ..services.sessions import session_rekey, sessions_end_all


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("登录")}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        wrong = any(e.code == "invalid_login" for e in form.errors.as_data().get("__all__", []))
        response.status_code = 401 if wrong else 400
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def form_valid(self, form):
        response = super().form_valid(form)  # the current session keeps going, under a new key
        session_rekey(self.request)
        sessions_end_all(self.request.user, keep_key=self.request.session.session_key)
        return response


class PasswordSetView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        sessions_end_all(form.user)
        return response
