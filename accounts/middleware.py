"""Django's AuthenticationMiddleware, with the signed-in user read from the cache beside its scope
(``accounts.scope.user_load``: one round trip to Redis for both, no query for the user row)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from .scope import user_load


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
