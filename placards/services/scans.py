"""Recording scans of the public verify page, and limiting abusive request rates.

Scans are buffered per process and written in bulk (``PLACARD_SCAN_BUFFER`` rows, or every
``PLACARD_SCAN_FLUSH_SECONDS`` by a timer, and at process exit): one INSERT per scan would halve
the page's throughput. With a buffer of 1 every scan is written before the page is returned.
"""

from __future__ import annotations

import atexit
import ipaddress
import logging
import threading
import time
from collections import Counter
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, transaction
from django.db.models import F, Sum
from django.utils import timezone

from ..models import PlacardScan, PlacardScanDay

log = logging.getLogger(__name__)
_now = time.time  # the clock of the limits (a test fixes it)


def anonymise_address(address: str) -> str:
    """203.0.113.57 → 203.0.113.0/24; IPv6 → its /48. Never the full address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _count(key: str, timeout: int) -> int:
    """Add one to the counter ``key`` (made with ``timeout`` on first use); the new count. The cache fails
    open (zhifu_reopen/cache.py): while Redis is down every call counts 1, so nobody is refused."""
    try:
        return cache.incr(key)
    except ValueError:  # not there yet (or expired between the two calls)
        cache.add(key, 0, timeout=timeout)
        try:
            return cache.incr(key)
        except ValueError:
            return 1


def _limit_key(address: str) -> str:
    """One counter per IPv4 address; per /64 for IPv6 (one subscriber's block: a client rotating through
    its own addresses is still one client)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or "-"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class Refused(NamedTuple):
    scope: str  # "address": this client is over its own limit; "global": the page is over its ceiling
    retry_after: int  # seconds


def verify_admit(address: str) -> Refused | None:
    """None when a verify request from ``address`` may be served, else why not. Counted in Redis before
    anything touches the database: first this address's requests this minute (``PLACARD_VERIFY_RATE_LIMIT``),
    then, only for requests within that, every address's requests this second
    (``PLACARD_VERIFY_GLOBAL_LIMIT``). An address over its own limit is refused without counting towards
    the ceiling, so one busy office behind a NAT cannot use up everybody's share."""
    now = _now()
    limit = getattr(settings, "PLACARD_VERIFY_RATE_LIMIT", 120)
    try:
        if limit:
            minute = int(now // 60)
            if _count(f"placards:verify-rate:{_limit_key(address)}:{minute}", timeout=70) > limit:
                return Refused("address", max(1, int((minute + 1) * 60 - now) + 1))
        ceiling = getattr(settings, "PLACARD_VERIFY_GLOBAL_LIMIT", 0)
        if ceiling and _count(f"placards:verify-global:{int(now)}", timeout=5) > ceiling:
            return Refused("global", 1)
    except Exception:  # cache down: serve rather than refuse
        log.warning("verify rate limit: cache unavailable", exc_info=True)
    return None


class ScanBuffer:
    def __init__(self) -> None:
        self._items: list[PlacardScan] = []
        self._lock = threading.Lock()
        self._timer: threading.Thread | None = None
        self._pid = None

    def add(self, scan: PlacardScan) -> None:
        size = max(1, int(getattr(settings, "PLACARD_SCAN_BUFFER", 50)))
        if size == 1:
            PlacardScan.objects.bulk_create([scan])
            return
        with self._lock:
            self._items.append(scan)
            batch = self._take() if len(self._items) >= size else None
        if batch:
            self._write(batch)
        self._ensure_timer()

    def _take(self) -> list[PlacardScan]:
        items, self._items = self._items, []
        return items

    def flush(self) -> int:
        with self._lock:
            batch = self._take()
        if batch:
            self._write(batch)
        return len(batch)

    def _write(self, batch: list[PlacardScan]) -> None:
        try:
            PlacardScan.objects.bulk_create(batch)
        except Exception:
            log.exception("could not record %s placard scans", len(batch))

    def _ensure_timer(self) -> None:
        import os

        if self._timer is not None and self._pid == os.getpid():
            return
        with self._lock:
            if self._timer is not None and self._pid == os.getpid():
                return
            self._pid = os.getpid()  # a forked worker needs its own timer thread
            self._timer = threading.Thread(target=self._run, name="placard-scan-flush", daemon=True)
            self._timer.start()

    def _run(self) -> None:
        interval = float(getattr(settings, "PLACARD_SCAN_FLUSH_SECONDS", 2.0))
        while True:
            time.sleep(interval)
            try:
                if self.flush():
                    close_old_connections()
            except Exception:
                log.exception("placard scan flush failed")


scan_buffer = ScanBuffer()
atexit.register(scan_buffer.flush)


def scan_record(*, placard_id: int, address: str, user_agent: str) -> None:
    scan_buffer.add(PlacardScan(
        placard_id=placard_id, scanned_at=timezone.now(), network=anonymise_address(address),
        user_agent=(user_agent or "")[:300],
    ))


# --- retention of the scan log: raw scans older than PLACARD_SCAN_RAW_DAYS become daily counts -----------

FOLD_BATCH = 5000


def scans_fold(now=None, *, batch_size: int = FOLD_BATCH) -> int:
    """Fold the raw scans older than ``PLACARD_SCAN_RAW_DAYS`` into ``PlacardScanDay`` (placard, local
    day, count) and delete them, one batch per transaction: a scan is either still raw or counted, never
    both nor neither. Two runs at once take different rows (SKIP LOCKED). Returns the scans folded."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PLACARD_SCAN_RAW_DAYS)
    folded = 0
    while True:
        with transaction.atomic():
            batch = list(PlacardScan.objects.select_for_update(skip_locked=True)
                         .filter(scanned_at__lt=cutoff).order_by("pk").values_list("pk", "placard_id", "scanned_at")
                         [:batch_size])
            if not batch:
                return folded
            # Sorted, so two folds lock the same day rows in the same order (no deadlock).
            counts = sorted(Counter((placard_id, timezone.localdate(at)) for _pk, placard_id, at in batch).items())
            PlacardScanDay.objects.bulk_create(
                [PlacardScanDay(placard_id=p, day=d, scans=0) for (p, d), _n in counts], ignore_conflicts=True
            )
            for (placard_id, day), n in counts:
                PlacardScanDay.objects.filter(placard_id=placard_id, day=day).update(scans=F("scans") + n)
            PlacardScan.objects.filter(pk__in=[pk for pk, _p, _a in batch]).delete()
        folded += len(batch)


def scan_total(placard) -> int:
    """Every scan of the placard: the raw ones and the folded daily counts."""
    folded = PlacardScanDay.objects.filter(placard=placard).aggregate(total=Sum("scans"))["total"] or 0
    return PlacardScan.objects.filter(placard=placard).count() + folded
