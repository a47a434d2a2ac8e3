"""Sign-ins, failed sign-ins and sign-outs in the audit trail (Django's auth signals). A failed sign-in
keeps the username that was tried, never the password."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .audit import audit_record

USERNAME_MAX = 150


def _logged_in(sender, request=None, user=None, **_kwargs):
    # No post: working it out would pin the scope on the user object the caller keeps.
    audit_record(actor=user, action="auth.login", target_repr=user.get_username(), with_post=False)


def _logged_out(sender, request=None, user=None, **_kwargs):
    if user is not None and getattr(user, "pk", None):
        audit_record(actor=user, action="auth.logout", target_repr=user.get_username())


def _login_failed(sender, credentials=None, request=None, **_kwargs):
    credentials = credentials or {}
    username = str(credentials.get("username") or credentials.get("email") or "")[:USERNAME_MAX]
    audit_record(actor=None, action="auth.login_failed", target_repr=username, after={"username": username})


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="zhifu-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="zhifu-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="zhifu-audit-login-failed")
