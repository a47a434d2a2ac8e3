"""Stand-in: the client address as the socket saw it. The ops part owns the real module (a configured
trusted proxy header); this minimal version keeps its name and signature until the merge."""

from __future__ import annotations


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""
