"""Two ``fedgate serve`` processes sharing one real redis-server, in front of two uvicorn
echo subgraphs: an APQ registered on one answers on the other, one rate limit holds across
both under concurrent load, the second starts with the first one's plans, and Redis killed
mid-load leaves zero failed requests, with the shared state back after Redis's restart (no
gateway restart)."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.e2e.processes import fedgate, free_port, running
from tests.e2e.test_headers_e2e import subgraphs

from .server import RedisServer

__all__ = ["subgraphs"]

QUERY = "{ a: echoA { name } b: echoB { value } }"
HEADERS = {"content-type": "application/json", "accept": "application/json"}
YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
  query_planning:
    cache:
      redis:
        urls: ["{redis}"]
        namespace: {namespace}
        timeout: {timeout}
apq:
  router:
    cache:
      redis:
        urls: ["{redis}"]
        namespace: {namespace}
        timeout: {timeout}
traffic_shaping:
  router:
    global_rate_limit:
      capacity: {capacity}
      interval: 10m
fedgate:
  rate_limit_store:
    redis:
      urls: ["{redis}"]
      namespace: {namespace}
      timeout: {timeout}
    fail_policy: fail_open
"""


@pytest.fixture(scope="module")
def redis_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def replicas(
    supergraph: Path,
    server: RedisServer,
    namespace: str,
    capacity: int = 100_000,
    timeout: str = "300ms",
) -> Iterator[list[tuple[str, Path]]]:
    """Two gateways on one Redis: their GraphQL URLs and their log files. ``timeout``: each
    Redis command's (a command that times out fails open)."""
    out: list[tuple[str, Path]] = []
    with ExitStack() as stack:
        for name in ("one", "two"):
            port = free_port()
            config = supergraph.parent / f"{namespace}-{name}.yaml"
            values = {
                "redis": server.url,
                "namespace": namespace,
                "capacity": capacity,
                "timeout": timeout,
            }
            config.write_text(YAML.format(port=port, **values))
            log = supergraph.parent / f"{namespace}-{name}.log"
            argv = fedgate("serve", "--supergraph", str(supergraph), "--config", str(config))
            stack.enter_context(
                running(argv, health_url=f"http://127.0.0.1:{port}/health", stderr=log)
            )
            out.append((f"http://127.0.0.1:{port}/graphql", log))
        yield out


def _apq(query: str) -> dict[str, Any]:
    sha = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


def _post(client: httpx.Client, url: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(url, json=body, headers=HEADERS, timeout=10)


def _codes(response: httpx.Response) -> list[str]:
    return [e.get("extensions", {}).get("code", "") for e in response.json().get("errors", [])]


@contextmanager
def _redis(server: RedisServer) -> Iterator[redis.Redis]:
    """A plain redis-py client to look into Redis from the test."""
    client = redis.Redis(port=server.port)
    try:
        yield client
    finally:
        client.close()


def _wait_for(condition: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_an_apq_registered_on_one_replica_answers_on_the_other(
    subgraphs: Path, redis_module: RedisServer
) -> None:
    query = "query Apq { a: echoA { name } }"
    with replicas(subgraphs, redis_module, "apq") as [(one, _), (two, _)], httpx.Client() as c:
        unknown = _post(c, two, {"extensions": _apq(query)})
        assert _codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]
        registered = _post(c, one, {"query": query, "extensions": _apq(query)})
        assert registered.status_code == 200 and "errors" not in registered.json()
        answered = _post(c, two, {"extensions": _apq(query)})
        assert answered.status_code == 200, answered.text
        assert answered.json() == registered.json()
        sha = _apq(query)["persistedQuery"]["sha256Hash"]
        with _redis(redis_module) as store:
            assert store.get(f"apq:apq:{sha}") == query.encode()


def test_the_second_replica_starts_with_the_first_one_s_plans(
    subgraphs: Path, redis_module: RedisServer
) -> None:
    query = "query Warm { b: echoB { name value } }"
    pair = replicas(subgraphs, redis_module, "plans")
    look = _redis(redis_module)
    with look as store, pair as [(one, log_one), (two, log_two)], httpx.Client() as c:
        first = _post(c, one, {"query": query})
        assert first.status_code == 200 and "errors" not in first.json()
        assert _wait_for(lambda: bool(store.keys("plans:plan:*")))
        second = _post(c, two, {"query": query})
        assert second.json() == first.json()
        assert _wait_for(lambda: "planned here" in log_two.read_text())
    assert "query plans: 1 from Redis, 0 planned here" in log_two.read_text()
    assert "query plans: 0 from Redis, 1 planned here" in log_one.read_text()


def test_one_rate_limit_holds_across_both_under_concurrent_load(
    subgraphs: Path, redis_module: RedisServer
) -> None:
    capacity, attempts = 20, 120
    # a generous command timeout: on a loaded machine a 300 ms one can expire, and a token
    # taken through a timed-out command is admitted by fail_open (the policy, not this test)
    with replicas(subgraphs, redis_module, "limit", capacity, timeout="5s") as pair:
        urls = [url for url, _ in pair]
        results: list[tuple[str, int]] = []
        lock = threading.Lock()

        def send(i: int) -> None:
            url = urls[i % 2]
            with httpx.Client() as c:
                status = _post(c, url, {"query": QUERY}).status_code
            with lock:
                results.append((url, status))

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(send, range(attempts)))
    admitted = [url for url, status in results if status == 200]
    limited = [status for _, status in results if status == 429]
    assert len(results) == attempts and len(admitted) + len(limited) == attempts
    # a 10 minute interval: at most one token trickles in during the test
    assert capacity <= len(admitted) <= capacity + 1, len(admitted)
    assert set(admitted) == set(urls)  # both replicas admitted some: one bucket, not two


class _Load:
    """Clients that follow the APQ protocol (hash first, the text when asked) against both
    replicas; a failure is any answer but a 200 with data and no error."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.queries = [
            f"query Q{i} {{ a: echoA {{ name }} n{i}: echoB {{ value }} }}" for i in range(8)
        ]
        self.sent = 0
        self.failures: list[str] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def run(self, worker: int) -> None:
        turns = itertools.count(worker)
        with httpx.Client() as c:
            while not self.stop.is_set():
                turn = next(turns)
                self._one(c, self.urls[turn % 2], self.queries[turn % len(self.queries)])

    def _one(self, c: httpx.Client, url: str, query: str) -> None:
        try:
            answer = _post(c, url, {"extensions": _apq(query)})
            if _codes(answer) == ["PERSISTED_QUERY_NOT_FOUND"]:
                answer = _post(c, url, {"query": query, "extensions": _apq(query)})
            ok = answer.status_code == 200 and "errors" not in answer.json()
            problem = None if ok else f"{answer.status_code} {answer.text[:200]}"
        except httpx.HTTPError as exc:
            problem = repr(exc)
        with self._lock:
            self.sent += 1
            if problem is not None:
                self.failures.append(problem)


def test_redis_killed_mid_load_fails_nothing_and_the_state_comes_back(
    subgraphs: Path, tmp_path: Path
) -> None:
    server = RedisServer(tmp_path).start()
    try:
        with replicas(subgraphs, server, "kill") as pair:
            urls = [url for url, _ in pair]
            load = _Load(urls)
            with ThreadPoolExecutor(6) as pool:
                for worker in range(6):
                    pool.submit(load.run, worker)
                # counts, not fixed sleeps: the machine may be slow
                assert _wait_for(lambda: load.sent >= 30, 30), load.sent
                before = load.sent
                server.stop()  # SIGKILL, mid-load
                time.sleep(1.0)
                assert _wait_for(lambda: load.sent - before >= 30, 30)
                during = load.sent - before
                server.start()  # the same port, empty
                after = load.sent
                time.sleep(1.0)
                assert _wait_for(lambda: load.sent - after >= 30, 30)
                load.stop.set()
            assert load.failures == [], load.failures[:5]
            assert before >= 30 and during >= 30, (before, during)
            _shared_state_is_back(server, urls)
            logs = [log.read_text() for _, log in pair]
            assert all("is unavailable" in text and "is back" in text for text in logs), logs
    finally:
        server.stop()


def _shared_state_is_back(server: RedisServer, urls: list[str]) -> None:
    """Without a gateway restart: a new APQ registered on one answers on the other, a new
    plan reaches Redis, the rate limit's bucket is in Redis again."""
    query = "query Back { b: echoB { name } }"
    with _redis(server) as store, httpx.Client() as c:

        def apq_shared() -> bool:
            _post(c, urls[0], {"query": query, "extensions": _apq(query)})
            return _codes(_post(c, urls[1], {"extensions": _apq(query)})) == []

        assert _wait_for(apq_shared)
        assert _wait_for(lambda: bool(store.keys("kill:plan:*")))
        assert store.exists("kill:ratelimit:{router}")


def test_required_to_start_refuses_to_serve_without_redis_readably(subgraphs: Path) -> None:
    import subprocess

    from tests.services import free_port as any_port

    config = subgraphs.parent / "required.yaml"
    redis_url = f"redis://127.0.0.1:{any_port()}"  # nobody listens there
    config.write_text(
        f"supergraph:\n  listen: 127.0.0.1:{free_port()}\napq:\n  router:\n    cache:\n"
        f'      redis:\n        urls: ["{redis_url}"]\n        required_to_start: true\n'
        "        timeout: 200ms\n"
    )
    argv = fedgate("serve", "--supergraph", str(subgraphs), "--config", str(config))
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "not reachable (required_to_start)" in done.stderr
    assert "Traceback" not in done.stderr
