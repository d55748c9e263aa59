"""The entity cache with its memory tier alone, against real processes: ``fedgate serve``
with ``preview_entity_cache`` in front of the counting subgraphs (``subgraph_app.py``)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from .conftest import Gateway, Subgraphs, serve

CONFIG = """\
supergraph:
  listen: 127.0.0.1:{port}
headers:
  all:
    request:
      - propagate:
          named: x-user-id
preview_entity_cache:
  enabled: true
  invalidation:
    listen: 127.0.0.1:{iport}
    path: /invalidation
  subgraph:
    all:
      ttl: 60s
      invalidation:
        enabled: true
        shared_key: {key}
fedgate:
  entity_cache:
    private_id_header: x-user-id
"""
TOP = "{ topProducts { upc name seller { id name } } }"


@pytest.fixture(scope="module")
def gateway(subgraphs: Subgraphs) -> Iterator[Gateway]:
    with serve(subgraphs, CONFIG) as gateway:
        yield gateway


@pytest.fixture(autouse=True)
def fresh(gateway: Gateway, subgraphs: Subgraphs) -> None:
    """Every test starts from empty caches and the subgraphs' default answers."""
    subgraphs.control(
        names={"1": "Ada", "2": "Grace", "3": "Edsger"},
        sellers={"p1": "1", "p2": "2", "p3": "1"},
        cache_control={"accounts": "", "products": ""},
        fail=False,
    )
    wipe = [{"kind": "subgraph", "subgraph": s} for s in ("accounts", "products")]
    assert gateway.invalidate(wipe).status_code == 202


def sellers(data: dict[str, list[dict[str, object]]]) -> list[object]:
    return [p["seller"] for p in data["topProducts"]]


def test_entities_and_root_fields_are_served_from_the_cache(
    gateway: Gateway, subgraphs: Subgraphs
) -> None:
    first = gateway.data(TOP)
    before = subgraphs.calls()
    assert sellers(first) == [
        {"id": "1", "name": "Ada"},
        {"id": "2", "name": "Grace"},
        {"id": "1", "name": "Ada"},
    ]
    response = gateway.query(TOP)
    assert response.json()["data"] == first
    assert subgraphs.calls() == before  # neither subgraph was asked again
    max_age, scope = response.headers["cache-control"].split(", ")
    assert scope == "public" and 50 <= int(max_age.removeprefix("max-age=")) <= 60


def test_partial_hits_send_only_the_misses(gateway: Gateway, subgraphs: Subgraphs) -> None:
    gateway.data(TOP)
    subgraphs.control(sellers={"p3": "3"})
    # the products root fetch is cached too: drop it so that p3's new seller shows
    root = [{"kind": "type", "subgraph": "products", "type": "Query"}]
    assert gateway.invalidate(root).json() == {"count": 1}
    before = subgraphs.calls()
    data = gateway.data(TOP)
    assert sellers(data)[2] == {"id": "3", "name": "Edsger"}
    assert sellers(data)[:2] == [{"id": "1", "name": "Ada"}, {"id": "2", "name": "Grace"}]
    after = subgraphs.calls()
    assert after["accounts"] == before["accounts"] + 1
    assert after["representations"] == before["representations"] + 1  # only user 3


def test_no_store_is_honoured(gateway: Gateway, subgraphs: Subgraphs) -> None:
    subgraphs.control(cache_control={"accounts": "no-store"})
    query = '{ user(id: "2") { name } }'
    before = subgraphs.calls()["accounts"]
    for _ in range(2):
        response = gateway.query(query)
        assert response.json()["data"] == {"user": {"name": "Grace"}}
        assert response.headers["cache-control"] == "no-store"
    assert subgraphs.calls()["accounts"] == before + 2


def test_max_age_is_the_ttl(gateway: Gateway, subgraphs: Subgraphs) -> None:
    subgraphs.control(cache_control={"accounts": "public, max-age=1"})
    query = '{ user(id: "1") { name } }'
    before = subgraphs.calls()["accounts"]
    gateway.data(query)
    gateway.data(query)
    assert subgraphs.calls()["accounts"] == before + 1
    time.sleep(1.3)
    gateway.data(query)
    assert subgraphs.calls()["accounts"] == before + 2


def test_private_data_is_partitioned_by_the_private_id(
    gateway: Gateway, subgraphs: Subgraphs
) -> None:
    subgraphs.control(cache_control={"accounts": "private, max-age=60"})
    me = "{ me { name } }"
    assert gateway.data(me, **{"x-user-id": "1"}) == {"me": {"name": "Ada"}}
    assert gateway.data(me, **{"x-user-id": "2"}) == {"me": {"name": "Grace"}}
    before = subgraphs.calls()["accounts"]
    response = gateway.query(me, **{"x-user-id": "1"})
    assert response.json()["data"] == {"me": {"name": "Ada"}}
    assert response.headers["cache-control"].endswith("private")
    assert gateway.data(me, **{"x-user-id": "2"}) == {"me": {"name": "Grace"}}
    assert subgraphs.calls()["accounts"] == before  # each user's entry, hit
    # no private id: private data is not kept, nor served from someone else's entry
    assert gateway.data(me) == {"me": None}
    assert gateway.data(me) == {"me": None}
    assert subgraphs.calls()["accounts"] == before + 2


def test_invalidation_by_entity_key(gateway: Gateway, subgraphs: Subgraphs) -> None:
    gateway.data(TOP)
    subgraphs.control(names={"1": "Ada L."})
    assert sellers(gateway.data(TOP))[0] == {"id": "1", "name": "Ada"}  # still cached
    request = [{"kind": "entity", "subgraph": "accounts", "type": "User", "key": {"id": "1"}}]
    response = gateway.invalidate(request)
    assert response.status_code == 202 and response.json() == {"count": 1}
    assert sellers(gateway.data(TOP)) == [
        {"id": "1", "name": "Ada L."},
        {"id": "2", "name": "Grace"},
        {"id": "1", "name": "Ada L."},
    ]


def test_invalidation_by_cache_tag(gateway: Gateway, subgraphs: Subgraphs) -> None:
    query = '{ user(id: "2") { id name } }'
    assert gateway.data(query) == {"user": {"id": "2", "name": "Grace"}}
    subgraphs.control(names={"2": "Grace H."})
    assert gateway.data(query)["user"]["name"] == "Grace"
    tag = [{"kind": "cache_tag", "subgraphs": ["accounts"], "cache_tag": "user-2"}]
    assert gateway.invalidate(tag).json() == {"count": 1}
    assert gateway.data(query)["user"]["name"] == "Grace H."


def test_invalidation_needs_the_shared_key_and_a_valid_body(gateway: Gateway) -> None:
    request = [{"kind": "subgraph", "subgraph": "accounts"}]
    refused = gateway.invalidate(request, key="wrong")
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "INVALIDATION_UNAUTHORIZED"
    bad = gateway.invalidate([{"kind": "everything"}])
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["extensions"]["code"] == "INVALIDATION_INVALID_REQUEST"


def test_failed_fetches_are_not_cached(gateway: Gateway, subgraphs: Subgraphs) -> None:
    subgraphs.control(fail=True)
    query = '{ user(id: "3") { name } }'
    body = gateway.query(query).json()
    assert body["errors"] and gateway.query(query).headers["cache-control"] == "no-store"
    subgraphs.control(fail=False)
    assert gateway.data(query) == {"user": {"name": "Edsger"}}
