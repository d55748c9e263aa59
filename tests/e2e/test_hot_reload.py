"""Hot reload and graceful shutdown against real processes: ``fedgate serve`` as a subprocess
in front of a uvicorn-served subgraph (``reload_subgraph.py``) that answers any root field, so
the supergraph can grow a field (``world``) while both keep running. Everything on 127.0.0.1,
every loop bounded."""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.composition import compose
from gateway.composition.model import CompositionSuccess, SubgraphSource

from .processes import fedgate, free_port, listening, running
from .reload_subgraph import federation_sdl

HELLO = "{ hello }"
WORLD = "{ hello world }"


@pytest.fixture(scope="module")
def subgraph_url() -> Iterator[str]:
    port = free_port()
    argv = [sys.executable, "-m", "tests.e2e.reload_subgraph", "--port", str(port)]
    argv += ["--slow", "2"]
    with running(argv, health_url=f"http://127.0.0.1:{port}/health"):
        yield f"http://127.0.0.1:{port}/graphql"


def supergraph(url: str, *fields: str) -> str:
    result = compose([SubgraphSource("words", url, federation_sdl(*fields))])
    assert isinstance(result, CompositionSuccess), result
    return result.supergraph_sdl


def replace(path: Path, text: str) -> None:
    """As deploy tools do: write aside, rename over (a new inode)."""
    aside = path.with_suffix(".tmp")
    aside.write_text(text)
    os.replace(aside, path)


@contextmanager
def gateway(
    work: Path, location: str, *args: str, config: str = "", env: dict[str, str] | None = None
) -> Iterator[tuple[str, Path, Any]]:
    """``fedgate serve``; yields its GraphQL URL, its log file and the process."""
    port = free_port()
    router = work / f"router-{port}.yaml"
    router.write_text(f"supergraph:\n  listen: 127.0.0.1:{port}\n{config}")
    log = work / f"fedgate-{port}.log"
    argv = fedgate("serve", "--supergraph", location, "--config", str(router), *args)
    health = f"http://127.0.0.1:{port}/health"
    with running(argv, health_url=health, stderr=log, env=env) as proc:
        yield f"http://127.0.0.1:{port}/graphql", log, proc


def ask(client: httpx.Client, url: str, query: str) -> httpx.Response:
    return client.post(url, json={"query": query}, timeout=10)


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def serves(url: str, *, world: bool) -> bool:
    return serves_world(url) == world


def serves_world(url: str) -> bool:
    # a new connection each time: with several workers, any of them may answer
    body = httpx.post(url, json={"query": WORLD}, timeout=10).json()
    return bool(body.get("data") == {"hello": "hello", "world": "world"})


def test_reload_under_load_fails_no_request(subgraph_url: str, tmp_path: Path) -> None:
    """Clients query all along while the watched supergraph file is replaced several times
    (a field added, removed, added again), rewritten in place, then broken: every answer is
    a 200 with the data, the new field comes into service, the broken file is logged with
    the loader's code and the last good supergraph keeps serving."""
    path = tmp_path / "supergraph.graphql"
    old, new = (
        supergraph(subgraph_url, "hello", "slow"),
        supergraph(subgraph_url, "hello", "slow", "world"),
    )
    path.write_text(old)
    with gateway(tmp_path, str(path), "--hot-reload") as (url, log, _):
        stop = threading.Event()
        answers: list[tuple[int, Any]] = []

        def load() -> None:
            with httpx.Client() as client:
                for _ in range(5000):  # bounded; stopped much earlier
                    if stop.is_set():
                        return
                    r = ask(client, url, HELLO)
                    answers.append((r.status_code, r.json()))

        clients = [threading.Thread(target=load) for _ in range(3)]
        for thread in clients:
            thread.start()
        try:
            for text in (new, old, new):
                replace(path, text)
                assert wait_for(partial(serves, url, world=text is new)), text is new
            path.write_text(old)  # in place: same inode, new size and mtime
            assert wait_for(lambda: not serves_world(url))
            replace(path, new)
            assert wait_for(lambda: serves_world(url))
            replace(path, "this is not a supergraph {")
            assert wait_for(lambda: "INVALID_SUPERGRAPH" in log.read_text())
            time.sleep(1.5)  # a watcher tick or two after the broken file
            assert serves_world(url)
        finally:
            stop.set()
            for thread in clients:
                thread.join(timeout=30)
    assert len(answers) > 50, len(answers)
    failed = [a for a in answers if a != (200, {"data": {"hello": "hello"}})]
    assert not failed, failed[:5]
    text = log.read_text()
    assert text.count("reloaded (file changed)") >= 5, text
    assert "still serving the previous supergraph" in text
    # refused once, not again at every watcher tick
    assert text.count("[INVALID_SUPERGRAPH]") == 1, text


def test_sighup_reloads_every_worker_and_keeps_a_broken_config_out(
    subgraph_url: str, tmp_path: Path
) -> None:
    """Without --hot-reload nothing is watched; SIGHUP (to the parent of two workers) reloads
    the supergraph and the config in every worker; a broken config is logged and refused."""
    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph(subgraph_url, "hello"))
    with gateway(tmp_path, str(path), "--workers", "2") as (url, log, proc):
        # both workers loaded the first file (the second may start later than the first)
        assert wait_for(lambda: log.read_text().count("Application startup complete") == 2)
        replace(path, supergraph(subgraph_url, "hello", "world"))
        time.sleep(2.5)  # more than a watcher's tick: nothing is watched
        assert not serves_world(url)
        os.kill(proc.pid, signal.SIGHUP)
        assert wait_for(lambda: serves_world(url))
        # both workers reloaded: fresh connections land on either, and all see `world`
        assert wait_for(lambda: all(serves_world(url) for _ in range(20)))
        assert proc.poll() is None  # SIGHUP used to kill `fedgate serve`
        router = next(tmp_path.glob("router-*.yaml"))
        router.write_text(router.read_text() + "cors:\n  max_age: soon\n")
        os.kill(proc.pid, signal.SIGHUP)
        assert wait_for(lambda: log.read_text().count("[INVALID_CONFIG]") >= 2)
        assert "max_age" in log.read_text()
        assert all(serves_world(url) for _ in range(10))


def test_sigterm_lets_a_slow_request_in_flight_finish(subgraph_url: str, tmp_path: Path) -> None:
    """SIGTERM during a request whose subgraph takes 2 s: the listener closes at once (new
    connections are refused), the request in flight still gets its whole answer, then the
    process exits."""
    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph(subgraph_url, "hello", "slow"))
    with gateway(tmp_path, str(path)) as (url, log, proc):
        port = int(url.split(":")[2].split("/")[0])
        result: list[httpx.Response] = []
        started = time.monotonic()
        thread = threading.Thread(
            target=lambda: result.append(httpx.post(url, json={"query": "{ slow }"}, timeout=20))
        )
        thread.start()
        time.sleep(0.5)  # the request is at the subgraph now
        proc.send_signal(signal.SIGTERM)
        assert wait_for(lambda: not listening(port), timeout=1.5)
        thread.join(timeout=20)
        assert result and result[0].status_code == 200
        assert result[0].json() == {"data": {"slow": "slow"}}
        assert time.monotonic() - started >= 2.0
        assert proc.wait(timeout=10) is not None
    assert "draining" in log.read_text()


def test_sigterm_drain_is_bounded_by_the_grace_period(subgraph_url: str, tmp_path: Path) -> None:
    """A request that would take 6 s does not hold the exit past
    ``fedgate.shutdown_grace_period`` (1 s here; it used to wait forever)."""
    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph(subgraph_url, "hello", "slower"))
    config = "fedgate:\n  shutdown_grace_period: 1s\n"
    with gateway(tmp_path, str(path), config=config) as (url, _, proc):
        thread = threading.Thread(
            target=lambda: _swallow(lambda: httpx.post(url, json={"query": "{ slower }"}))
        )
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        # the subgraph would answer after 6 s; the gateway is gone after about 1 s
        assert time.monotonic() - started < 4.5
        thread.join(timeout=20)


def _swallow(work: Callable[[], object]) -> None:
    with suppress(httpx.HTTPError):
        work()


class _SupergraphServer:
    """A tiny HTTP server in the test serving a supergraph with an ETag, counting 304s."""

    def __init__(self, sdl: str) -> None:
        self.sdl = sdl
        self.ok = 0
        self.not_modified = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = owner.sdl.encode()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("if-none-match") == etag:
                    owner.not_modified += 1
                    self.send_response(304)
                    self.send_header("etag", etag)
                    self.end_headers()
                    return
                owner.ok += 1
                self.send_response(200)
                self.send_header("etag", etag)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/supergraph.graphql"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


def test_supergraph_url_is_polled_with_etag(subgraph_url: str, tmp_path: Path) -> None:
    server = _SupergraphServer(supergraph(subgraph_url, "hello"))
    config = "fedgate:\n  supergraph_poll_interval: 200ms\n"
    try:
        with gateway(tmp_path, server.url, config=config) as (url, log, _):
            assert wait_for(lambda: server.not_modified >= 3)
            fetched = server.ok  # start-up: the parent's check and the worker's load
            assert not serves_world(url)
            server.sdl = supergraph(subgraph_url, "hello", "world")
            assert wait_for(lambda: serves_world(url))
            assert server.ok == fetched + 1  # only the change was downloaded again
            assert wait_for(lambda: server.not_modified >= 6)
            server.sdl = "broken {"
            assert wait_for(lambda: "[INVALID_SUPERGRAPH]" in log.read_text())
            assert serves_world(url)
    finally:
        server.close()


def test_a_request_in_flight_finishes_on_the_supergraph_it_started_with(
    subgraph_url: str, tmp_path: Path
) -> None:
    """A reload that removes the field a slow request is fetching, and changes the subgraph
    timeouts (so a new subgraph client replaces the old), while that request is in flight:
    it still gets its answer, on the old plan and the old client; new requests see the new
    supergraph at once."""
    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph(subgraph_url, "hello", "slow"))
    with gateway(tmp_path, str(path)) as (url, log, proc):
        result: list[httpx.Response] = []
        thread = threading.Thread(
            target=lambda: result.append(httpx.post(url, json={"query": "{ slow }"}, timeout=20))
        )
        thread.start()
        time.sleep(0.3)
        replace(path, supergraph(subgraph_url, "hello", "world"))
        router = next(tmp_path.glob("router-*.yaml"))
        router.write_text(router.read_text() + "traffic_shaping:\n  all:\n    timeout: 20s\n")
        os.kill(proc.pid, signal.SIGHUP)
        assert wait_for(lambda: serves_world(url))
        assert thread.is_alive()  # still waiting for the subgraph
        gone = httpx.post(url, json={"query": "{ slow }"}).json()
        assert gone["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        thread.join(timeout=20)
        assert result and result[0].json() == {"data": {"slow": "slow"}}
    assert "reloaded (SIGHUP)" in log.read_text()
