"""Small view helpers shared by every app."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.scope import scope_for


def roles_required(*roles: str):
    """Refuse (403 with a message) a page the user's role has no business on. Object scope is
    checked separately by scoped selectors (out of scope → 404)."""

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
