"""The lean client's pool for one host and port: at most ``limit`` connections (requests
queue, first come first served, for a free one when all are busy), idle ones dropped past
``idle_timeout`` (when taken, and by a sweep so none lingers), every one closed by ``close``.
"""

from __future__ import annotations

import asyncio
import collections

from .lean_conn import Connection as _Conn
from .lean_errors import CannotConnect, Disconnected

__all__ = ["Pool"]


class Pool:
    """The connections to one host and port."""

    __slots__ = (
        "closed",
        "conns",
        "host",
        "idle",
        "idle_timeout",
        "limit",
        "port",
        "sweeper",
        "waiters",
    )

    def __init__(self, host: str, port: int, limit: int, idle_timeout: float) -> None:
        self.host = host
        self.port = port
        self.limit = limit
        self.idle_timeout = idle_timeout
        self.idle: list[_Conn] = []  # most recently used last (taken first)
        self.conns: set[_Conn] = set()  # open or opening, busy or idle
        self.waiters: collections.deque[asyncio.Future[_Conn | None]] = collections.deque()
        self.sweeper: asyncio.TimerHandle | None = None
        self.closed = False  # by LeanClient.close: a call still on its way opens nothing

    def take(self) -> _Conn | None:
        """An idle connection that is still fresh, without waiting (the usual case)."""
        idle = self.idle
        if not idle:
            return None
        now = asyncio.get_running_loop().time()
        while idle:
            conn = idle.pop()
            if conn.usable() and now - conn.idle_since <= self.idle_timeout:
                conn.reused = True
                return conn
            conn.close()
        return None

    async def acquire(self, fresh: bool, connect: float | None) -> _Conn:
        while True:
            if self.closed:
                raise Disconnected("the client was closed", reused=False, got_bytes=False)
            if not fresh and (conn := self.take()) is not None:
                return conn
            if self.limit <= 0 or len(self.conns) < self.limit:
                return await self._connect(connect)
            if fresh and self.idle:
                self.idle.pop(0).close()  # its place goes to the new connection
                continue
            given = await self._wait()
            if given is not None and given.usable():
                given.reused = True
                return given

    async def _wait(self) -> _Conn | None:
        """A released connection, or ``None`` when a place in the pool came free."""
        waiter: asyncio.Future[_Conn | None] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                given = waiter.result()  # handed to us as we were cancelled: pass it on
                if given is not None:
                    self.release(given)
                else:
                    self._wake()
            else:
                waiter.cancel()
            raise

    async def _connect(self, timeout: float | None) -> _Conn:
        conn = _Conn(self)
        self.conns.add(conn)  # counts towards the limit while connecting
        loop = asyncio.get_running_loop()
        try:
            if timeout:
                async with asyncio.timeout(timeout):
                    await loop.create_connection(lambda: conn, self.host, self.port)
            else:
                await loop.create_connection(lambda: conn, self.host, self.port)
        except OSError as exc:
            conn.forget()
            conn.parser = None
            raise CannotConnect(f"cannot connect to {self.host}:{self.port}: {exc}") from None
        except BaseException:
            conn.forget()
            conn.parser = None
            raise
        return conn

    def release(self, conn: _Conn) -> None:
        """A connection whose exchange ended cleanly: to a waiter, else to the idle list."""
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        conn.idle_since = asyncio.get_running_loop().time()
        self.idle.append(conn)
        if self.sweeper is None:
            self.sweeper = asyncio.get_running_loop().call_later(self.idle_timeout, self._sweep)

    def dropped(self, conn: _Conn) -> None:
        """``conn`` closed: its place in the pool goes to the first waiter."""
        self.conns.discard(conn)
        if conn in self.idle:
            self.idle.remove(conn)
        self._wake()

    def _wake(self) -> None:
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _sweep(self) -> None:
        """Close the connections idle past the timeout (the server is about to)."""
        self.sweeper = None
        now = asyncio.get_running_loop().time()
        for conn in [c for c in self.idle if now - c.idle_since > self.idle_timeout]:
            conn.close()
        if self.idle:
            self.sweeper = asyncio.get_running_loop().call_later(self.idle_timeout, self._sweep)

    def close(self) -> None:
        self.closed = True
        if self.sweeper is not None:
            self.sweeper.cancel()
            self.sweeper = None
        for conn in list(self.conns):
            conn.close()
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(None)
        self.waiters.clear()
