"""A per-process circuit breaker for the services a request can live without (the cache, the broker).

After one failure the service is skipped for a cool-down, so a Redis that has died — or, worse, hangs
without answering — costs one timeout per process and cool-down instead of one per call: pages keep
answering from the database and jobs wait, unsent, for the sweep."""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)


class Breaker:
    def __init__(self, name: str, cooldown: float):
        self.name = name
        self.cooldown = cooldown
        self._open_until = 0.0
        self._lock = threading.Lock()

    def allows(self) -> bool:
        """True while the service is presumed up (or its cool-down has run out: try it again)."""
        return time.monotonic() >= self._open_until

    def trip(self, exc: BaseException) -> None:
        with self._lock:
            if self.allows():
                log.warning("%s unavailable, skipped for %.0f s: %s", self.name, self.cooldown, exc)
            self._open_until = time.monotonic() + self.cooldown

    def reset(self) -> None:
        self._open_until = 0.0


cache_breaker = Breaker("cache (Redis)", cooldown=10)
broker_breaker = Breaker("broker (Redis)", cooldown=10)
BREAKERS = (cache_breaker, broker_breaker)
