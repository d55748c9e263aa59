"""JWK Sets from ``file://`` or ``http(s)://`` URLs: fetched at start, again every
``poll_interval``, and on a token whose ``kid`` no set has (at most once per
``min_refresh_interval`` per set, so a flood of made-up kids cannot flood the IdP). A fetch
that fails, or brings an unreadable set, keeps the keys the set had: rotation never locks
every client out because the IdP is briefly down. Keys are parsed by PyJWT (``PyJWKSet``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import aiohttp
import jwt
import orjson

from gateway.config.auth import JwksConfig

__all__ = ["JwksSet", "Key", "KeyStore"]

log = logging.getLogger("fedgate.authentication")
_FETCH_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Key:
    """One verification key: its ``kid``, its declared ``alg`` (may be absent) and ``kty``."""

    kid: str | None
    alg: str | None
    kty: str
    key: Any  # what PyJWT verifies with (a cryptography key, or bytes for HMAC)


class JwksSet:
    """One configured JWKS and the keys it had at its last good fetch."""

    __slots__ = ("_last_refresh", "_refreshing", "config", "generation", "keys", "min_refresh")

    def __init__(self, config: JwksConfig, min_refresh: float) -> None:
        self.config = config
        self.min_refresh = min_refresh
        self.keys: tuple[Key, ...] = ()
        self.generation = 0  # counts key changes: verified tokens are cached per generation
        self._last_refresh = float("-inf")
        self._refreshing: asyncio.Task[None] | None = None

    async def load(self, session: aiohttp.ClientSession) -> None:
        """Fetch and parse; on any failure keep the keys (logged)."""
        self._last_refresh = time.monotonic()
        try:
            raw = await self._read(session)
            keys = _parse(orjson.loads(raw))
        except Exception as exc:  # a bad fetch must never drop the keys in use
            log.warning("JWKS %s: keeping %d key(s): %s", self.config.url, len(self.keys), exc)
            return
        if keys != self.keys:
            self.keys = keys
            self.generation += 1

    async def _read(self, session: aiohttp.ClientSession) -> bytes:
        url = urlparse(self.config.url)
        if url.scheme == "file":
            path = Path(unquote(url.netloc + url.path))
            return await asyncio.to_thread(path.read_bytes)
        headers = dict(self.config.headers)
        timeout = aiohttp.ClientTimeout(total=_FETCH_TIMEOUT)
        async with session.get(self.config.url, headers=headers, timeout=timeout) as resp:
            if resp.status != 200:
                raise OSError(f"HTTP {resp.status}")
            return await resp.read()

    async def refresh_for_unknown_kid(self, session: aiohttp.ClientSession) -> bool:
        """Fetch again unless one ran too recently; True when a fetch ran (or was running)."""
        if self._refreshing is not None and not self._refreshing.done():
            await asyncio.shield(self._refreshing)
            return True
        if time.monotonic() - self._last_refresh < self.min_refresh:
            return False
        self._refreshing = asyncio.ensure_future(self.load(session))
        await asyncio.shield(self._refreshing)
        return True


def _parse(document: Any) -> tuple[Key, ...]:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWK Set (no `keys` list)")
    keys: list[Key] = []
    for item in document["keys"]:
        if not isinstance(item, dict) or item.get("use", "sig") != "sig":
            continue
        try:
            parsed = jwt.PyJWK(item)
            keys.append(Key(item.get("kid"), item.get("alg"), str(item.get("kty")), parsed.key))
        except (jwt.PyJWKError, jwt.InvalidKeyError) as exc:
            # one key of an algorithm we cannot use does not spoil the others
            log.warning("JWKS: skipping key %r: %s", item.get("kid"), exc)
    return tuple(keys)


class KeyStore:
    """Every configured JWKS, kept fresh by one polling task per set."""

    def __init__(self, configs: Sequence[JwksConfig], min_refresh: float) -> None:
        self.sets = tuple(JwksSet(c, min_refresh) for c in configs)
        self._session: aiohttp.ClientSession | None = None
        self._pollers: list[asyncio.Task[None]] = []
        self._started: asyncio.Future[None] | None = None
        # the first fetch is done: requests need not await ``start`` (one test per request)
        self.started = False

    @property
    def generation(self) -> int:
        sets = self.sets
        if len(sets) == 1:  # the usual configuration: no generator per request
            return sets[0].generation
        return sum(s.generation for s in sets)

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def start(self) -> None:
        """The first fetch of every set, then the pollers (once; later calls wait for it)."""
        if self._started is None:
            self._started = asyncio.ensure_future(self._first_fetch())
        await asyncio.shield(self._started)

    async def _first_fetch(self) -> None:
        await asyncio.gather(*(s.load(self.session) for s in self.sets))
        for s in self.sets:
            self._pollers.append(asyncio.ensure_future(self._poll(s)))
        self.started = True

    async def _poll(self, jwks: JwksSet) -> None:
        while True:
            await asyncio.sleep(jwks.config.poll_interval)
            await jwks.load(self.session)

    async def close(self) -> None:
        for task in self._pollers:
            task.cancel()
        await asyncio.gather(*self._pollers, return_exceptions=True)
        self._pollers.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._started = None
        self.started = False
