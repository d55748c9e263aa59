"""``RedisClient``: the one place fedgate talks to Redis (APQ, plan cache, rate limits, the
entity cache). Import it only when a ``redis:`` block is configured: it loads redis-py.

What a caller can rely on:

- Keys are given without the namespace; the client prefixes ``<namespace>:`` to every key it
  sends (and to a script's ``KEYS``), and strips nothing from values. Values are bytes.
- Every method either answers or raises ``RedisUnavailable`` within about ``timeout``
  (``redis:`` block, default 500ms): Redis down, refusing, too slow, or answering an error.
  It never raises anything else for a Redis problem, and never retries.
- When Redis is down (a connection error, or ``SLOW_IN_A_ROW`` timeouts in a row: one alone is
  taken for congestion and fails only its own call), the client is *down*: every call
  raises ``RedisUnavailable`` at once, without touching the network, until a background probe
  (every ``RETRY_INTERVAL`` seconds, a PING) finds Redis back; then calls go through again.
  ``available`` tells which state it is in. A warning is logged when it goes down (then at
  most once per ``LOG_INTERVAL`` while failures go on) and one line when it is back.
- ``get``/``get_many`` renew the entry's TTL to the block's ``ttl`` with ``reset_ttl`` (GETEX;
  ``renew=False`` for entries stored with a TTL of their own); ``set``/``set_many``
  take a TTL in seconds (``None``: the block's ``ttl``; no TTL at all when neither is set).
- ``run`` evaluates a Lua script by its SHA (loaded once, again after a Redis restart): the
  caller passes keys unprefixed, as with the other methods.
- On a Redis Cluster, a script's keys must share a slot (use a ``{hash tag}``); the batch
  methods split by node themselves.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from redis import exceptions as redis_errors
from redis.asyncio import Redis, RedisCluster
from redis.asyncio.sentinel import MasterNotFoundError, SlaveNotFoundError
from redis.commands.core import AsyncScript

from .config import RedisConfig
from .connect import open_redis

__all__ = [
    "LOG_INTERVAL",
    "RETRY_INTERVAL",
    "SLOW_IN_A_ROW",
    "RedisClient",
    "RedisUnavailable",
    "Script",
]

log = logging.getLogger("fedgate.redis")
T = TypeVar("T")
RETRY_INTERVAL = 0.5  # seconds between background PINGs while down
LOG_INTERVAL = 10.0  # at most one "still down" warning per this many seconds
# what says Redis cannot be reached (down, restarting, failing over), as opposed to an answer
_DOWN = (
    redis_errors.ConnectionError,
    redis_errors.BusyLoadingError,
    redis_errors.ClusterDownError,
    redis_errors.ClusterError,
    MasterNotFoundError,
    SlaveNotFoundError,
    OSError,
)
# a command too slow: one is congestion (a burst waiting for a pooled connection), several in a
# row say Redis hangs
_SLOW = (redis_errors.TimeoutError, TimeoutError)
SLOW_IN_A_ROW = 3


class RedisUnavailable(Exception):
    """Redis did not answer (or answered an error): the caller falls back (a cache misses,
    a rate limit follows its fail-open/fail-closed policy)."""


class Script:
    """A Lua script, registered with a client by ``RedisClient.script``."""

    __slots__ = ("_script", "source")

    def __init__(self, source: str, script: AsyncScript) -> None:
        self.source = source
        self._script = script


class RedisClient:
    """One ``redis:`` block's client: namespacing, per-command timeout, health state."""

    def __init__(self, config: RedisConfig, name: str = "redis") -> None:
        self.config = config
        self.name = name  # which feature, for log lines
        self._prefix = f"{config.namespace}:" if config.namespace else ""
        self._redis: Redis | RedisCluster | None = None
        self._also: tuple[Redis, ...] = ()  # closed with it (a Sentinel's connections)
        self._down = False
        self._last_warning = -LOG_INTERVAL
        self._probe: asyncio.Task[None] | None = None
        self._slow = 0  # timeouts in a row
        self._tag_script: Script | None = None
        # at most pool_size commands in flight, the others wait (within their timeout): the
        # cluster's and sentinel's pools refuse a connection over the limit instead of waiting
        self._slots = asyncio.Semaphore(config.pool_size)
        self._reset_ttl_ms = int(config.ttl * 1000) if config.reset_ttl and config.ttl else None

    # ---- state -------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        return not self._down

    def key(self, key: str) -> str:
        """The key as stored in Redis (with the namespace)."""
        return self._prefix + key

    async def ping(self) -> bool:
        """Whether Redis answers now (also brings the client back up when it does)."""
        try:
            await asyncio.wait_for(self._connection().ping(), self.config.timeout)
        except (*_DOWN, *_SLOW):
            return False
        self._up()
        return True

    async def start(self) -> None:
        """At start-up: with ``required_to_start``, raise ``RedisUnavailable`` if Redis does
        not answer; otherwise only log (the client comes up by itself later)."""
        if await self.ping():
            return
        where = self.config.describe()
        if self.config.required_to_start:
            raise RedisUnavailable(f"{self.name}: Redis at {where} is not reachable")
        self._went_down(ConnectionError(f"not reachable at start-up ({where})"))

    async def close(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            await asyncio.gather(self._probe, return_exceptions=True)
            self._probe = None
        if self._redis is not None:
            redis, self._redis = self._redis, None
            await redis.aclose()
            for other in self._also:
                await other.aclose()
            self._also = ()

    # ---- commands ----------------------------------------------------------------------

    async def get(self, key: str, renew: bool = True) -> bytes | None:
        """The value, or None; ``renew=False`` leaves the TTL alone even with ``reset_ttl``
        (an entry stored with its own TTL, as the entity cache's)."""
        ttl = self._reset_ttl_ms if renew else None
        if ttl is None:
            return await self._call(lambda r: r.get(self.key(key)))
        return await self._call(lambda r: r.getex(self.key(key), px=ttl))

    async def get_many(self, keys: Sequence[str], renew: bool = True) -> list[bytes | None]:
        """The values in the order of ``keys`` (None where missing)."""
        if not keys:
            return []
        ttl = self._reset_ttl_ms if renew else None

        async def run(r: Redis | RedisCluster) -> list[bytes | None]:
            pipe = r.pipeline(transaction=False)
            for key in keys:
                if ttl is None:
                    pipe.get(self.key(key))
                else:
                    pipe.getex(self.key(key), px=ttl)
            return list(await pipe.execute())

        return await self._call(run)

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        ms = self._ttl_ms(ttl)
        await self._call(lambda r: r.set(self.key(key), value, px=ms))

    async def set_many(self, items: Mapping[str, bytes], ttl: float | None = None) -> None:
        if not items:
            return
        ms = self._ttl_ms(ttl)

        async def run(r: Redis | RedisCluster) -> None:
            pipe = r.pipeline(transaction=False)
            for key, value in items.items():
                pipe.set(self.key(key), value, px=ms)
            await pipe.execute()

        await self._call(run)

    async def delete(self, keys: Iterable[str]) -> int:
        """Delete ``keys``; the number that existed."""
        names = [self.key(k) for k in keys]
        if not names:
            return 0
        return await self._call(lambda r: _unlink(r, names))

    async def delete_matching(self, pattern: str, batch: int = 500) -> int:
        """Delete the keys matching the glob ``pattern`` (namespaced): SCAN, never KEYS.
        Costs a full scan of the keyspace: for rare invalidations, not per request."""

        async def run(r: Redis | RedisCluster) -> int:
            deleted, chunk = 0, []
            async for name in r.scan_iter(match=self.key(pattern), count=batch):
                chunk.append(name)
                if len(chunk) >= batch:
                    deleted += await _unlink(r, chunk)
                    chunk = []
            return deleted + (await _unlink(r, chunk) if chunk else 0)

        # a scan may take longer than one command: ten times the timeout
        return await self._call(run, self.config.timeout * 10)

    async def tag(self, tag: str, keys: Iterable[str], ttl: float | None = None) -> None:
        """Remember ``keys`` under ``tag`` (a Redis set; with a TTL it lives at least as long
        as ``ttl``, without one it never expires: it must outlive its members)."""
        members = list(keys)
        if not members:
            return
        ms = self._ttl_ms(ttl) or 0
        if self._tag_script is None:
            self._tag_script = self.script(TAG_SCRIPT)
        script = self._tag_script
        for start in range(0, len(members), 1000):  # Lua's unpack has a limit
            await self.run(script, [tag], [ms, *members[start : start + 1000]])

    async def tagged(self, tag: str) -> list[str]:
        """The keys remembered under ``tag`` (unprefixed, as given to ``tag``)."""
        found = await self._call(lambda r: r.smembers(self.key(tag)))
        return sorted(m.decode() if isinstance(m, bytes) else str(m) for m in found)

    async def delete_tagged(self, tags: Iterable[str]) -> int:
        """Delete every key remembered under any of ``tags``, and the tags themselves."""
        keys: set[str] = set()
        names = list(tags)
        for tag in names:
            keys.update(await self.tagged(tag))
        return await self.delete([*keys, *names])

    async def publish(self, channel: str, message: bytes) -> int:
        """Publish on the (namespaced) channel; how many subscribers got it."""
        return int(await self._call(lambda r: r.publish(self.key(channel), message)))

    def pubsub(self) -> Any:
        """A redis-py ``PubSub`` on this client's connection (``pubsub.Subscriber`` runs it)."""
        return self._connection().pubsub()

    def script(self, source: str) -> Script:
        """Register a Lua script (no network until it first runs)."""
        return Script(source, self._connection().register_script(source))

    async def run(self, script: Script, keys: Sequence[str], args: Sequence[Any]) -> Any:
        names = [self.key(k) for k in keys]
        return await self._call(lambda r: script._script(keys=names, args=list(args), client=r))

    # ---- health ------------------------------------------------------------------------

    def _connection(self) -> Redis | RedisCluster:
        if self._redis is None:
            self._redis, self._also = open_redis(self.config)
        return self._redis

    def _ttl_ms(self, ttl: float | None) -> int | None:
        seconds = ttl if ttl is not None else self.config.ttl
        return max(1, int(seconds * 1000)) if seconds is not None else None

    async def _call(
        self, command: Callable[[Any], Awaitable[T]], timeout: float | None = None
    ) -> T:
        if self._down:
            raise RedisUnavailable(f"{self.name}: Redis is down")
        try:
            async with asyncio.timeout(timeout or self.config.timeout), self._slots:
                answer = await command(self._connection())
        except _SLOW as exc:  # first: the builtin TimeoutError is an OSError
            self._slow += 1
            if self._slow >= SLOW_IN_A_ROW:
                self._went_down(exc)
            raise RedisUnavailable(f"{self.name}: Redis did not answer in time") from None
        except _DOWN as exc:
            self._went_down(exc)
            raise RedisUnavailable(f"{self.name}: Redis is down ({exc})") from None
        except redis_errors.RedisError as exc:
            # Redis answered, with an error (a bug of ours, a full memory): not down
            self._warn(f"fedgate: {self.name}: Redis answered an error: {exc}")
            raise RedisUnavailable(f"{self.name}: {exc}") from None
        self._slow = 0
        return answer

    def _went_down(self, exc: BaseException) -> None:
        if not self._down:
            self._down = True
            self._last_warning = -LOG_INTERVAL  # the first failure is always told
        self._warn(
            f"fedgate: {self.name}: Redis at {self.config.describe()} is unavailable "
            f"({type(exc).__name__}: {exc}); serving without it, retrying in the background"
        )
        if self._probe is None or self._probe.done():
            self._probe = asyncio.get_running_loop().create_task(self._come_back())

    def _warn(self, message: str) -> None:
        now = time.monotonic()
        if now - self._last_warning >= LOG_INTERVAL:
            self._last_warning = now
            log.warning(message)

    async def _come_back(self) -> None:
        while self._down:
            await asyncio.sleep(RETRY_INTERVAL)
            await self.ping()

    def _up(self) -> None:
        self._slow = 0
        if self._down:
            self._down = False
            log.warning("fedgate: %s: Redis at %s is back", self.name, self.config.describe())


async def _unlink(r: Redis | RedisCluster, names: list[Any]) -> int:
    # one UNLINK per 500 keys (a cluster client splits it by slot itself)
    deleted = 0
    for start in range(0, len(names), 500):
        deleted += int(await r.unlink(*names[start : start + 500]))
    return deleted


# KEYS[1]: the tag's set; ARGV[1]: the TTL in ms (0: none), the rest: the members
TAG_SCRIPT = """
local existed = redis.call('EXISTS', KEYS[1])
local before = redis.call('PTTL', KEYS[1])
redis.call('SADD', KEYS[1], unpack(ARGV, 2))
local ms = tonumber(ARGV[1])
if ms <= 0 then
  if existed == 1 then redis.call('PERSIST', KEYS[1]) end
elseif existed == 0 or (before >= 0 and before < ms) then
  redis.call('PEXPIRE', KEYS[1], ms)
end
return 0
"""
