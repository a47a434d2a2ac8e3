"""Which pages a role may open: ``roles_required`` on a view, ``may_open`` for navigation and home
blocks. Shared by every app's views; it sits with the roles it checks."""

from __future__ import annotations

from functools import lru_cache, wraps

from django.core.exceptions import PermissionDenied
from django.urls import resolve, reverse
from django.utils.translation import gettext as _

from .scope import scope_for


def roles_required(*roles: str):
    """Refuse (403 with a message) a page the user's role has no business on. Object scope is
    checked separately by scoped selectors (out of scope → 404). The roles come from the workflow's
    rule table (``approvals.rules.roles_for`` …), so the page, its navigation entry and the service
    agree; the view keeps them as ``allowed_roles`` for the navigation (``page_roles``)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_superuser or scope_for(user).role in roles):
                raise PermissionDenied(_("您的岗位无权使用此功能。"))
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorator


@lru_cache(maxsize=256)
def page_roles(url_name: str) -> tuple[str, ...] | None:
    """The roles the page named ``url_name`` (no arguments) admits through its ``roles_required``;
    None when it admits every signed-in user. NoReverseMatch when there is no such page."""
    return getattr(resolve(reverse(url_name)).func, "allowed_roles", None)


def may_open(user, url_name: str) -> bool:
    """Whether ``roles_required`` lets ``user`` open the page (navigation entries, home blocks)."""
    if user is None or not user.is_authenticated:
        return False
    return role_may_open(user.is_superuser, scope_for(user).role, url_name)


def role_may_open(is_superuser: bool, role: str, url_name: str) -> bool:
    """``may_open`` for a signed-in user of this role (its scope's)."""
    roles = page_roles(url_name)
    return roles is None or is_superuser or role in roles
