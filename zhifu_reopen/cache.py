"""A Redis cache that fails open: while Redis is down every read is a miss and every write a no-op, so
pages fall back to the database instead of answering 500 (issue 7, item 11)."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _fail_open(name, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except (RedisError, OSError) as exc:
            logger.warning("cache %s failed open: %s", name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback
    method.__name__ = name
    return method


class FailOpenRedisCache(RedisCache):
    get = _fail_open("get", lambda key, default=None, version=None: default)
    add = _fail_open("add", False)
    set = _fail_open("set", None)
    touch = _fail_open("touch", False)
    delete = _fail_open("delete", False)
    get_many = _fail_open("get_many", lambda *a, **k: {})
    has_key = _fail_open("has_key", False)
    set_many = _fail_open("set_many", lambda *a, **k: [])
    delete_many = _fail_open("delete_many", None)
    clear = _fail_open("clear", False)
