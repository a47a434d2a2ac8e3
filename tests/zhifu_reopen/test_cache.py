import socket

from zhifu_reopen.cache import FailOpenRedisCache


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_cache_fails_open_while_redis_is_down():
    cache = FailOpenRedisCache(f"redis://127.0.0.1:{closed_port()}/0",
                               {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    assert cache.get("k", "miss") == "miss"
    cache.set("k", 1)
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    cache.delete("k")
    cache.set_many({"a": 1})
    assert cache.has_key("a") is False
    assert cache.incr("n") == 1 and cache.decr("n", 2) == -2


def test_after_a_failure_the_cache_skips_redis_for_a_while():
    from unittest import mock

    from zhifu_reopen.breaker import cache_breaker

    cache = FailOpenRedisCache(f"redis://127.0.0.1:{closed_port()}/0",
                               {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    assert cache.get("k", "miss") == "miss" and not cache_breaker.allows()
    with mock.patch("django.core.cache.backends.redis.RedisCache.get") as get:
        assert cache.get("k", "miss") == "miss"  # not tried: a hanging Redis costs one timeout
    get.assert_not_called()
