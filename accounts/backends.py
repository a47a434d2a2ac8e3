"""django-axes' lockout check as the first authentication backend."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out account or address before any password is checked. A call without a request
    is no login from the web (a management command, the test client's ``login``): there is no address to
    count, so it passes to the next backend as it would without axes."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
