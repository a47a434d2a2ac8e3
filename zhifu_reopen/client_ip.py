"""The client's address. A minimal stand-in (issue 13, auth): REMOTE_ADDR. The operations part owns the
real one (the address from a configured trusted proxy header); it keeps this name and signature."""

from __future__ import annotations


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""
