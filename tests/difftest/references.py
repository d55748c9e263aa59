"""The reference gateways (``oracle/refs.mjs``) in one Node process, over JSON lines.

``References.start()`` needs Node and the oracle's packages (``scripts/install-oracle.sh``);
``unavailable()`` says why they cannot run, for tests to skip with that reason.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path
from typing import Any

__all__ = ["ORACLE", "REFERENCES", "References", "unavailable"]

ORACLE = Path(__file__).resolve().parent / "oracle"
REFERENCES = ("hive", "apollo")
_PREFIX = "@@DIFF "
_LIMIT = 64 * 1024 * 1024  # one answer per line; big answers are fine


def unavailable() -> str | None:
    """Why the references cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (the differential tester's references run on Node.js)"
    for package in (
        "@graphql-hive/gateway-runtime",
        "@graphql-hive/router-runtime",
        "@apollo/gateway",
    ):
        if not (ORACLE / "node_modules" / package / "package.json").is_file():
            return f"{package} is not installed in {ORACLE}: run scripts/install-oracle.sh"
    return None


class References:
    def __init__(self, timeout: float = 60.0, log: Path | None = None) -> None:
        self.timeout = timeout
        # Node's stderr (crash reports of the references) goes here; nowhere by default
        self.log_path = log
        self._log: Any = asyncio.subprocess.DEVNULL
        self._process: asyncio.subprocess.Process | None = None
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._next = 1
        self._reader: asyncio.Task[None] | None = None
        self._ready: asyncio.Future[Any] | None = None

    async def start(self) -> None:
        if self.log_path is not None:
            self._log = self.log_path.open("ab")
        self._process = await asyncio.create_subprocess_exec(
            "node",
            str(ORACLE / "refs.mjs"),
            cwd=str(ORACLE),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
            limit=_LIMIT,
        )
        self._ready = asyncio.get_running_loop().create_future()
        self._pending[0] = self._ready
        self._reader = asyncio.create_task(self._read())
        await asyncio.wait_for(self._ready, 60)

    async def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        while True:
            line = await self._process.stdout.readline()
            if not line:
                break
            text = line.decode()
            if not text.startswith(_PREFIX):
                continue
            message = json.loads(text[len(_PREFIX) :])
            future = self._pending.pop(message["id"], None)
            if future is not None and not future.done():
                future.set_result(message)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(RuntimeError("the reference process exited"))
        self._pending.clear()

    async def _call(self, request: dict[str, Any]) -> Any:
        assert self._process is not None and self._process.stdin is not None
        ident = self._next
        self._next += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        try:
            self._process.stdin.write((json.dumps({"id": ident, **request}) + "\n").encode())
            await self._process.stdin.drain()
        except ConnectionError as error:
            raise RuntimeError(f"the reference process is gone: {error}") from error
        message = await asyncio.wait_for(future, self.timeout)
        if "error" in message:
            raise RuntimeError(message["error"])
        return message["result"]

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def load(self, case: str, sdl: str) -> None:
        await self._call({"op": "load", "case": case, "sdl": sdl, "apollo_sdl": for_apollo(sdl)})

    async def execute(
        self, ref: str, case: str, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        request = {"op": "execute", "ref": ref, "case": case, "query": query}
        result: dict[str, Any] = await self._call({**request, "variables": variables or {}})
        return result

    async def close(self) -> None:
        if self._process is not None:
            if self._process.stdin is not None:
                self._process.stdin.close()
            try:
                await asyncio.wait_for(self._process.wait(), 5)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
        if self._reader is not None:
            await self._reader
        self._process = None
        if self._log is not asyncio.subprocess.DEVNULL:
            self._log.close()
            self._log = asyncio.subprocess.DEVNULL


# Apollo Gateway refuses a supergraph that links a SECURITY feature it does not implement
# (@authenticated, @requiresScopes, @policy: Apollo Router's). fedgate runs the difftest with
# authorization off, so the same supergraph without the purpose is the same graph to compare.
_SECURITY_LINK = re.compile(
    r'(@link\(url: "https://specs\.apollo\.dev/(?:authenticated|requiresScopes|policy)/v[0-9.]+"'
    r"[^)]*?),\s*for:\s*SECURITY"
)


def for_apollo(sdl: str) -> str:
    """The supergraph as Apollo Gateway can load it (see ``_SECURITY_LINK``)."""
    return _SECURITY_LINK.sub(r"\1", sdl)
