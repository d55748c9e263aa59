"""``RedisClient`` against a real redis-server: namespaced keys, TTLs, batches, tags,
scripts; and its health state: down → fails fast without waiting, back by itself."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from gateway.redis.client import SLOW_IN_A_ROW, RedisClient, RedisUnavailable
from gateway.redis.config import redis_config

from .server import RedisServer

pytestmark = pytest.mark.anyio


def _client(url: str, **extra: object) -> RedisClient:
    raw = {"urls": [url], "namespace": "t", **extra}
    return RedisClient(redis_config(raw, "test"), "test")


async def test_get_set_with_the_namespace_and_a_ttl(redis_server: RedisServer) -> None:
    client = _client(redis_server.url, ttl=60.0)
    try:
        assert await client.get("a") is None
        await client.set("a", b"1")
        await client.set("b", b"2", ttl=0.2)
        assert await client.get("a") == b"1"
        raw = _client(redis_server.url, namespace="")
        assert await raw.get("t:a") == b"1"  # the namespace is a key prefix
        ttl_ms = await raw._connection().pttl("t:a")
        assert 59_000 < ttl_ms <= 60_000
        await asyncio.sleep(0.3)
        assert await client.get("b") is None
        await raw.close()
    finally:
        await client.close()


async def test_reset_ttl_renews_on_read_unless_asked_not_to(redis_server: RedisServer) -> None:
    client = _client(redis_server.url, ttl=60.0, reset_ttl=True)
    try:
        await client.set("k", b"v", ttl=5.0)
        assert await client.get("k", renew=False) == b"v"
        assert await client._connection().pttl("t:k") <= 5_000
        assert await client.get("k") == b"v"
        assert await client._connection().pttl("t:k") > 59_000
    finally:
        await client.close()


async def test_batches_tags_and_patterns(redis_server: RedisServer) -> None:
    client = _client(redis_server.url)
    try:
        await client.set_many({"e:1": b"one", "e:2": b"two", "x": b"x"}, ttl=30)
        assert await client.get_many(["e:1", "nope", "e:2"]) == [b"one", None, b"two"]
        await client.tag("tag:A", ["e:1", "x"], ttl=30)
        assert await client.tagged("tag:A") == ["e:1", "x"]
        assert await client.delete_tagged(["tag:A"]) == 3  # two keys and the tag
        assert await client.get_many(["e:1", "e:2", "x"]) == [None, b"two", None]
        await client.set_many({f"p:{i}": b"." for i in range(1200)})
        assert await client.delete_matching("p:*") == 1200
        assert await client.delete(["e:2", "gone"]) == 1
    finally:
        await client.close()


async def test_a_script_runs_with_namespaced_keys(redis_server: RedisServer) -> None:
    client = _client(redis_server.url)
    script = client.script("redis.call('SET', KEYS[1], ARGV[1]); return KEYS[1]")
    try:
        assert await client.run(script, ["s"], ["v"]) == b"t:s"
        assert await client.get("s") == b"v"
        await client._connection().script_flush()  # as after a Redis restart
        assert await client.run(script, ["s"], ["w"]) == b"t:s"
    finally:
        await client.close()


async def test_down_fails_fast_logs_once_and_comes_back(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = _client(redis_server.url, timeout=0.3)
    try:
        await client.set("k", b"v")
        redis_server.stop()
        with caplog.at_level(logging.WARNING, "fedgate.redis"):
            with pytest.raises(RedisUnavailable):
                await client.get("k")
            assert not client.available
            started = time.perf_counter()
            for _ in range(1000):
                with pytest.raises(RedisUnavailable):
                    await client.get("k")
            assert time.perf_counter() - started < 0.2  # no network while down
        warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
        assert len(warnings) == 1, [r.getMessage() for r in caplog.records]
        redis_server.start()
        deadline = time.monotonic() + 5
        while not client.available and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert client.available
        await client.set("k", b"again")
        assert await client.get("k") == b"again"
    finally:
        await client.close()


async def test_required_to_start_refuses_an_unreachable_redis() -> None:
    from tests.services import free_port

    client = _client(f"redis://127.0.0.1:{free_port()}", required_to_start=True, timeout=0.2)
    with pytest.raises(RedisUnavailable, match="not reachable"):
        await client.start()
    await client.close()
    lenient = _client(f"redis://127.0.0.1:{free_port()}", timeout=0.2)
    await lenient.start()  # logs, and serves without Redis
    assert not lenient.available
    await lenient.close()


async def test_a_hung_redis_is_down_after_a_few_timeouts(redis_server: RedisServer) -> None:
    import signal

    client = _client(redis_server.url, timeout=0.2)
    try:
        await client.set("k", b"v")
        assert redis_server.process is not None
        redis_server.process.send_signal(signal.SIGSTOP)  # accepts nothing, answers nothing
        try:
            for _ in range(SLOW_IN_A_ROW - 1):
                with pytest.raises(RedisUnavailable, match="in time"):
                    await client.get("k")
                assert client.available  # one slow answer is congestion, not down
            with pytest.raises(RedisUnavailable):
                await client.get("k")
            assert not client.available
            started = time.perf_counter()
            with pytest.raises(RedisUnavailable):
                await client.get("k")
            assert time.perf_counter() - started < 0.05
        finally:
            redis_server.process.send_signal(signal.SIGCONT)
        deadline = time.monotonic() + 5
        while not client.available and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert await client.get("k") == b"v"
    finally:
        await client.close()
