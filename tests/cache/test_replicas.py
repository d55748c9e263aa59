"""Two ``fedgate serve`` replicas sharing a real ``redis-server``: an entity one caches is a
hit on the other, an invalidation through one replica's endpoint reaches both (their memory
tiers too, by pub/sub), and Redis killed mid-load fails no request (misses), the cache
coming back when Redis does."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.redis.server import RedisServer

from .conftest import Gateway, Subgraphs, serve

CONFIG = """\
supergraph:
  listen: 127.0.0.1:{port}
preview_entity_cache:
  enabled: true
  invalidation:
    listen: 127.0.0.1:{iport}
    path: /invalidation
  subgraph:
    all:
      ttl: 60s
      redis:
        urls: ["{redis}"]
        namespace: entity-test
        timeout: 200ms
      invalidation:
        enabled: true
        shared_key: {key}
fedgate:
  entity_cache:
    memory:
      ttl: 30s
"""
TOP = "{ topProducts { upc seller { id name } } }"


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def replicas(subgraphs: Subgraphs, redis: RedisServer) -> Iterator[tuple[Gateway, Gateway]]:
    with (
        serve(subgraphs, CONFIG, redis=redis.url) as one,
        serve(subgraphs, CONFIG, redis=redis.url) as two,
    ):
        yield one, two


@pytest.fixture(autouse=True)
def fresh(replicas: tuple[Gateway, Gateway], subgraphs: Subgraphs, redis: RedisServer) -> None:
    if redis.process is None:
        redis.start()
        _wait_until_invalidation_works(replicas[0])
    subgraphs.control(
        names={"1": "Ada", "2": "Grace", "3": "Edsger"},
        sellers={"p1": "1", "p2": "2", "p3": "1"},
        cache_control={"accounts": "", "products": ""},
        fail=False,
    )
    wipe = [{"kind": "subgraph", "subgraph": s} for s in ("accounts", "products")]
    assert replicas[0].invalidate(wipe).status_code == 202


def _wait_until_invalidation_works(gateway: Gateway) -> None:
    deadline = time.monotonic() + 10
    request = [{"kind": "subgraph", "subgraph": "accounts"}]
    while gateway.invalidate(request).status_code != 202:
        assert time.monotonic() < deadline, "the cache did not reconnect to Redis"
        time.sleep(0.2)


def test_an_entity_cached_by_one_replica_is_a_hit_on_the_other(
    replicas: tuple[Gateway, Gateway], subgraphs: Subgraphs
) -> None:
    one, two = replicas
    first = one.data(TOP)
    before = subgraphs.calls()
    assert two.data(TOP) == first
    assert subgraphs.calls() == before


def test_invalidation_through_one_endpoint_reaches_both(
    replicas: tuple[Gateway, Gateway], subgraphs: Subgraphs
) -> None:
    one, two = replicas
    one.data(TOP)
    two.data(TOP)  # now in both replicas' memory too
    subgraphs.control(names={"1": "Ada L."})
    assert two.data(TOP)["topProducts"][0]["seller"]["name"] == "Ada"
    request = [{"kind": "type", "subgraph": "accounts", "type": "User"}]
    response = one.invalidate(request)
    assert response.status_code == 202 and response.json()["count"] >= 2
    for gateway in (two, one):
        deadline = time.monotonic() + 5  # pub/sub: delivered within milliseconds
        while gateway.data(TOP)["topProducts"][0]["seller"]["name"] != "Ada L.":
            assert time.monotonic() < deadline, "a replica still serves the invalidated entry"
            time.sleep(0.05)


def test_redis_killed_mid_load_fails_no_request_and_the_cache_comes_back(
    replicas: tuple[Gateway, Gateway], subgraphs: Subgraphs, redis: RedisServer
) -> None:
    one, two = replicas
    failures: list[str] = []
    done = threading.Event()

    def load(gateway: Gateway) -> None:
        with httpx.Client(timeout=10) as client:
            while not done.is_set():
                r = client.post(gateway.url, json={"query": TOP})
                if r.status_code != 200 or "errors" in r.json():
                    failures.append(r.text)

    threads = [threading.Thread(target=load, args=(g,)) for g in (one, two, one, two)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    redis.stop()
    time.sleep(2.0)
    done.set()
    for thread in threads:
        thread.join()
    assert failures == []
    # Redis down: invalidation says so, requests still answer
    down = one.invalidate([{"kind": "subgraph", "subgraph": "accounts"}])
    assert down.status_code == 503
    assert down.json()["errors"][0]["extensions"]["code"] == "INVALIDATION_UNAVAILABLE"
    redis.start()
    _wait_until_invalidation_works(one)
    query = '{ user(id: "3") { name } }'
    deadline = time.monotonic() + 10
    while True:  # stored by one, read by the other: the Redis tier is back on both
        one.data(query)
        before = subgraphs.calls()["accounts"]
        two.data(query)
        if subgraphs.calls()["accounts"] == before:
            break
        assert time.monotonic() < deadline, "the Redis tier did not come back"
        time.sleep(0.2)
        _drop(one, query)


def _drop(gateway: Gateway, query: str) -> None:
    assert "user" in query
    gateway.invalidate([{"kind": "type", "subgraph": "accounts", "type": "Query"}])
