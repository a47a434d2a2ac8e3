"""A Redis cache that fails open: while Redis is down every read is a miss and every write a no-op, so
pages fall back to the database instead of answering 500 (issue 7, item 11). After a failure Redis is
skipped for a cool-down (``cache_breaker``): a Redis that hangs costs one timeout, not one per call."""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from .breaker import cache_breaker

logger = logging.getLogger(__name__)


def _fail_open(name, fallback):
    def failed_open(*args, **kwargs):
        return fallback(*args, **kwargs) if callable(fallback) else fallback

    def method(self, *args, **kwargs):
        if not cache_breaker.allows():
            return failed_open(*args, **kwargs)
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except (RedisError, OSError) as exc:
            logger.debug("cache %s failed open: %s", name, exc)
            cache_breaker.trip(exc)
            return failed_open(*args, **kwargs)
    method.__name__ = name
    return method


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` (and its table of response callbacks) for every cache
    call; a ``redis.Redis`` on a pool is thread-safe, so one per pool serves every call."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _fail_open("get", lambda key, default=None, version=None: default)
    add = _fail_open("add", False)
    set = _fail_open("set", None)
    touch = _fail_open("touch", False)
    delete = _fail_open("delete", False)
    get_many = _fail_open("get_many", lambda *a, **k: {})
    has_key = _fail_open("has_key", False)
    set_many = _fail_open("set_many", lambda *a, **k: [])
    # A counter while Redis is down counts this call only (a rate limit lets it through; a version bump
    # is lost, and the scopes cached under the old version run out with their TTL).
    incr = _fail_open("incr", lambda key, delta=1, version=None: delta)
    decr = _fail_open("decr", lambda key, delta=1, version=None: -delta)
    delete_many = _fail_open("delete_many", None)
    clear = _fail_open("clear", False)
