"""Django's AuthenticationMiddleware, with the signed-in user read from the cache beside its scope
(``accounts.scope.user_load``: one round trip to Redis for both, no query for the user row)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from .roles import needs_two_factor
from .scope import user_load
from .services.sessions import SESSION_SEEN_KEY, SESSION_STARTED_KEY, session_close, session_seen


def _model_backend_user(backend: ModelBackend, user_id):
    """What ``ModelBackend.get_user`` returns, the row read through the cache (an inactive account is
    refused as there, whatever the cache holds)."""
    user = user_load(user_id, backend.get_user)
    return user if user is not None and backend.user_can_authenticate(user) else None


def get_user(request):
    """``django.contrib.auth.get_user`` (Django 6.1), but a user of a ModelBackend session is read with
    ``_model_backend_user``; the session hash is verified as there (a changed password signs out)."""
    user = None
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            backend = load_backend(backend_path)
            if type(backend) is ModelBackend:
                user = _model_backend_user(backend, user_id)
            else:
                user = backend.get_user(user_id)
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                if not session_hash:
                    session_hash_verified = False
                else:
                    session_auth_hash = user.get_session_auth_hash()
                    session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
                if not session_hash_verified:
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback_auth_hash)
                        for fallback_auth_hash in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None
    return user or AnonymousUser()


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))


# --- issue 13 (auth): session limits and the second factor ---------------------------------------------

SEEN_REFRESH_SECONDS = 60


class SessionLimitsMiddleware:
    """Sign out a session idle for longer than ``SESSION_IDLE_SECONDS`` or older than
    ``SESSION_ABSOLUTE_SECONDS``. It reads the session (already loaded for the user) and writes it only
    when the idle stamp is over a minute old, so a page costs no write and no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and auth.SESSION_KEY in session:
            now = int(time.time())
            started = session.get(SESSION_STARTED_KEY)
            seen = session.get(SESSION_SEEN_KEY)
            if started is None or seen is None:  # a session from before the limits: they start now
                session[SESSION_STARTED_KEY] = started = started or now
                session[SESSION_SEEN_KEY] = seen = now
            if now - seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_ABSOLUTE_SECONDS:
                session_close(request)
                session.flush()
                request.user = AnonymousUser()
            elif now - seen >= SEEN_REFRESH_SECONDS:
                session[SESSION_SEEN_KEY] = now
                session_seen(request)
        return self.get_response(request)


# The pages a signed-in user who still owes the second factor may open (and nothing else).
TWO_FACTOR_OPEN = frozenset({"login", "logout", "login_verify", "login_enrol", "login_enrol_qr", "set_language"})


class TwoFactorMiddleware:
    """A user whose post needs a second factor (``accounts.roles.needs_two_factor``) and whose session is
    not verified yet reaches only the verify, enrol and logout pages: a page is sent to the verify page, a
    form post refused (403). It reads the session's flag and the cached user row only: no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = getattr(request, "session", None)
        if session is None or auth.SESSION_KEY not in session or session.get(DEVICE_ID_SESSION_KEY):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in TWO_FACTOR_OPEN and not match.namespace:
            return None
        if not needs_two_factor(request.user):
            return None
        if request.method in ("GET", "HEAD"):
            return redirect(f"{reverse('login_verify')}?{urlencode({'next': request.get_full_path()})}")
        raise PermissionDenied(_("请先完成两步验证。"))
