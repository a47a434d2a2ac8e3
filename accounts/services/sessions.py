"""Signed-in sessions (issue 13): the row written at login (``UserSession``), the row removed at logout,
and the ends — one other session from the user's page, all of a user's sessions (a password reset, a post
revoked, an account stopped), or all but the current one (the user's own password change).

Ending a session deletes it from the session store (the cache and the database of ``cached_db``), so it is
unusable at its next request, and drops the user's cached row (``accounts.scope``) with it."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhifu_reopen.client_ip import client_ip

from ..models import UserSession
from ..scope import user_scopes_invalidate

SESSION_ROW_KEY = "_zs_row"  # the UserSession id, in the session
SESSION_STARTED_KEY = "_zs_started"  # epoch seconds of the login (``SessionLimitsMiddleware``)
SESSION_SEEN_KEY = "_zs_seen"  # epoch seconds of the last request, refreshed at most once a minute


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_open(request, user) -> UserSession | None:
    """The row of the session ``user`` just signed in with (``user_logged_in``)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    if session.session_key is None:
        session.save()
    meta = getattr(request, "META", {}) or {}
    row, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={"user": user, "ip_address": client_ip(request)[:45],
                  "user_agent": (meta.get("HTTP_USER_AGENT") or "")[:300]},
    )
    session[SESSION_ROW_KEY] = row.pk
    return row


def session_rekey(request) -> None:
    """The current session got a new key (a password change cycles it): its row follows."""
    row_id = request.session.get(SESSION_ROW_KEY)
    if row_id and request.session.session_key:
        UserSession.objects.filter(pk=row_id).update(session_key=request.session.session_key)


def session_close(request) -> None:
    """The session is over (logout, or timed out): its row goes."""
    session = getattr(request, "session", None)
    if session is None:
        return
    row_id = session.get(SESSION_ROW_KEY)
    if row_id:
        UserSession.objects.filter(pk=row_id).delete()
    elif session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


def session_seen(request) -> None:
    """The session was used (at most once a minute: ``SessionLimitsMiddleware``)."""
    row_id = request.session.get(SESSION_ROW_KEY)
    if row_id:
        UserSession.objects.filter(pk=row_id).update(last_seen_at=timezone.now())


def _end(rows) -> int:
    store = _store()
    ended = 0
    user_ids = set()
    for row in rows:
        store(session_key=row.session_key).delete()
        user_ids.add(row.user_id)
        ended += 1
    UserSession.objects.filter(pk__in=[r.pk for r in rows]).delete()
    user_scopes_invalidate(user_ids)  # no request is served from a cached user row of an ended session
    return ended


@transaction.atomic
def session_end(*, user, row_id: int, current_key: str | None) -> bool:
    """End one of ``user``'s other sessions. False when it is not theirs, is the current one, or is gone
    already (ended meanwhile elsewhere: nothing to do)."""
    rows = list(UserSession.objects.select_for_update().filter(pk=row_id, user=user)
                .exclude(session_key=current_key or ""))
    return _end(rows) > 0


@transaction.atomic
def sessions_end_all(user, *, keep_key: str | None = None) -> int:
    """End every session of ``user`` (but ``keep_key``'s)."""
    rows = list(UserSession.objects.select_for_update().filter(user=user).exclude(session_key=keep_key or "")
                .order_by("pk"))
    return _end(rows)
