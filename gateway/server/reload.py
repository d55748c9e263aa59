"""Hot reload: notice a new supergraph or config, load it off the request path, hand it over.

Triggers: a changed file (with ``--hot-reload``: the supergraph and the config are stat'ed once
a second), a changed supergraph URL (polled with ``If-None-Match`` every
``fedgate.supergraph_poll_interval``), and SIGHUP (always; reloads both). Loading runs in a
thread; what to do with the result is the app's ``install`` callback, which swaps it in. A
load that fails is logged with its code and the old gateway keeps serving. Reloads run one at
a time; content already loaded (or already refused) is not loaded again unless forced.
docs/decisions/0010-hot-reload.md says why stat polling rather than inotify.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from gateway.errors import GatewayError

from .loading import (
    LoadedGateway,
    build_gateway,
    fetch_supergraph,
    is_url,
    read_supergraph,
    sdl_hash,
)

__all__ = ["FILE_POLL_INTERVAL", "ReloadSpec", "Reloader"]

log = logging.getLogger("fedgate.reload")

FILE_POLL_INTERVAL = 1.0
# after a change is seen, wait this long for a writer that is not atomic to finish
_SETTLE = 0.1

_StatKey = tuple[int, int, int, int] | None


@dataclass(frozen=True, slots=True)
class ReloadSpec:
    """Where the served supergraph and config come from, and whether files are watched."""

    supergraph: str
    config: str | None = None
    watch: bool = False
    poll_interval: float = 10.0
    # the supergraph URL's ETag at start-up, and the sha256 of the SDL loaded then
    etag: str | None = None
    sdl_hash: str = ""


Install = Callable[[LoadedGateway], Awaitable[None]]


class Reloader:
    def __init__(
        self, spec: ReloadSpec, install: Install, extra_paths: tuple[str, ...] = ()
    ) -> None:
        self.spec = spec
        self._install = install
        # edge: files read with the config (persisted query manifests with hot_reload),
        # watched too and part of what a reload compares; the app updates them per load
        self.extra_paths = extra_paths
        self._etag = spec.etag
        self._lock = asyncio.Lock()
        self._seen = self._fingerprint(spec.sdl_hash)
        self._tasks: set[asyncio.Task[None]] = set()
        # counters, for the log and for tests
        self.reloads = 0
        self.failures = 0
        self.not_modified = 0

    def start(self) -> None:
        """Start the watchers on the running loop."""
        if is_url(self.spec.supergraph):
            self._spawn(self._poll_url())
        if self.spec.watch or self.extra_paths:
            self._spawn(self._watch_files())

    async def stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def trigger(self, reason: str = "SIGHUP") -> None:
        """Reload now, in the background, even if nothing seems to have changed."""
        self._spawn(self.reload(reason, force=True))

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def reload(self, reason: str, *, sdl: str | None = None, force: bool = False) -> None:
        async with self._lock:
            try:
                loaded = await asyncio.to_thread(self._load, sdl, force)
                if loaded is not None:
                    await self._install(loaded)
            except GatewayError as exc:
                self.failures += 1
                log.error(
                    "fedgate: reload (%s) failed, still serving the previous supergraph and "
                    "config: [%s] %s",
                    reason,
                    exc.code,
                    exc.message,
                )
                return
            except Exception as exc:  # a bug must not stop the watchers or the old gateway
                self.failures += 1
                log.exception(
                    "fedgate: reload (%s) failed: [INTERNAL_SERVER_ERROR] %s", reason, exc
                )
                return
            if loaded is not None:
                self.reloads += 1
                log.info(
                    "fedgate: reloaded (%s): supergraph sha256 %s", reason, loaded.sdl_hash[:16]
                )

    def _load(self, sdl: str | None, force: bool) -> LoadedGateway | None:
        """The new supergraph and config, or None when they are what was last seen."""
        if sdl is None:
            sdl = read_supergraph(self.spec.supergraph)
        fingerprint = self._fingerprint(sdl_hash(sdl))
        if fingerprint == self._seen and not force:
            return None
        # a broken file is refused (and logged) once, not at every poll
        self._seen = fingerprint
        return build_gateway(sdl, self.spec.supergraph, self.spec.config)

    def _fingerprint(self, supergraph_hash: str) -> tuple[object, ...]:
        files = (self.spec.config, *self.extra_paths) if self.spec.config else self.extra_paths
        return supergraph_hash, *(_read(p) for p in files)

    def _watched(self) -> list[str]:
        own = (self.spec.supergraph, self.spec.config) if self.spec.watch else ()
        return [p for p in (*own, *self.extra_paths) if p and not is_url(p)]

    async def _watch_files(self) -> None:
        last = [_stat(p) for p in self._watched()]
        while True:
            await asyncio.sleep(FILE_POLL_INTERVAL)
            paths = self._watched()
            now = [_stat(p) for p in paths]
            if now == last:
                continue
            await asyncio.sleep(_SETTLE)
            settled = [_stat(p) for p in paths]
            if settled != now:
                continue  # still being written: look again at the next tick
            last = settled
            await self.reload("file changed")

    async def _poll_url(self) -> None:
        url = self.spec.supergraph
        while True:
            await asyncio.sleep(self.spec.poll_interval)
            try:
                fetched = await asyncio.to_thread(fetch_supergraph, url, self._etag)
            except GatewayError as exc:
                log.warning("fedgate: polling the supergraph: [%s] %s", exc.code, exc.message)
                continue
            if fetched.sdl is None:
                self.not_modified += 1
                continue
            self._etag = fetched.etag
            await self.reload("supergraph URL changed", sdl=fetched.sdl)


def _read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def _stat(path: str) -> _StatKey:
    """What changes when a file is rewritten, replaced by a rename, or a symlink re-pointed
    (stat follows links: Kubernetes' ConfigMap swaps are seen)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev
