"""The client's address behind a reverse proxy (issue 13, item 6).

``REMOTE_ADDR`` is the peer of the socket: behind nginx or a load balancer that is the proxy, and every
client would share its address (and its rate limit). The proxy passes the client on in a header, but any
client can send that header too, so it is believed only when the request came from a configured proxy:

- ``TRUSTED_PROXIES``: the proxies' addresses or networks (``10.0.0.5``, ``10.0.0.0/24``, ``::1``);
  empty (the default) means no proxy is trusted and the headers are ignored.
- ``CLIENT_IP_HEADER``: the header the proxy sets, ``X-Forwarded-For`` (default) or ``X-Real-IP``.

From ``X-Forwarded-For`` (``client, proxy1, proxy2``, each proxy appending the peer it saw) the client is
the right-most address that is not itself a trusted proxy: whatever lies left of it was written by the
client and cannot be believed. A malformed header falls back to ``REMOTE_ADDR``.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_HOPS = 32  # a longer chain is not a real proxy path: treated as malformed


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def trusted_networks() -> tuple[Network, ...]:
    proxies = getattr(settings, "TRUSTED_PROXIES", ()) or ()
    if isinstance(proxies, str):
        proxies = proxies.split(",")
    return _networks(tuple(p.strip() for p in proxies if p and p.strip()))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip


def _trusted(ip, networks) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_ip(request) -> str:
    """The address of the client that made ``request`` (a string; ``REMOTE_ADDR`` when no trusted proxy
    vouches for another)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = trusted_networks()
    if not networks:
        return remote
    peer = _parse(remote)
    if peer is None or not _trusted(peer, networks):
        return remote
    header = getattr(settings, "CLIENT_IP_HEADER", "X-Forwarded-For") or "X-Forwarded-For"
    raw = request.META.get(_meta_key(header))
    if not raw:
        return remote
    parts = raw.split(",", MAX_HOPS)
    addresses = [_parse(part) for part in parts]
    if len(parts) > MAX_HOPS or any(ip is None for ip in addresses):
        return remote  # malformed: believe nothing of it
    for ip in reversed(addresses):
        if not _trusted(ip, networks):
            return str(ip)
    return str(addresses[0])  # every hop a trusted proxy: the left-most is the origin
