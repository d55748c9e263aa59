"""BatchFetch: a wave's entity fetches to one subgraph go out as one request, and the answer
is the same as with one request per fetch. On the example graph with its real subgraphs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.config import GatewayConfig
from gateway.pipeline import Gateway
from gateway.supergraph import load_supergraph
from gateway.transport.base import SubgraphRequest, SubgraphResponse
from gateway.transport.local import LocalClient
from subgraphs.common.service import create_app
from subgraphs.services import SERVICES

pytestmark = pytest.mark.anyio

SUPERGRAPH = Path(__file__).resolve().parents[2] / "schema" / "supergraph.graphql"

# Top products and users both need their reviews from the reviews subgraph one hop after the
# root fetches: the batched plan asks for both in one request.
QUERY = """
{
  topProducts(first: 3) { upc name inStock reviews { body author { name } } }
  users { username reviews { body product { name inStock } } }
}
"""


class Counting:
    def __init__(self, inner: LocalClient) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()
        self.bodies: list[bytes] = []

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        self.calls[request.subgraph] += 1
        self.bodies.append(request.body_bytes())
        return await self.inner.fetch(request)


@pytest.fixture
def apps() -> Iterator[dict[str, object]]:
    dbs = {name: service.open_database(":memory:") for name, service in SERVICES.items()}
    yield {name: create_app(SERVICES[name], db) for name, db in dbs.items()}
    for db in dbs.values():
        db.close()


async def _run(apps: dict[str, object], batch: bool) -> tuple[dict[str, object], Counting]:
    client = Counting(LocalClient(apps))  # type: ignore[arg-type]
    config = GatewayConfig(batch_fetches=batch)
    gateway = Gateway(load_supergraph(SUPERGRAPH.read_text()), client, config)
    return await gateway.execute(QUERY), client


async def test_batched_plan_answers_the_same_with_fewer_requests(apps: dict[str, object]) -> None:
    tree, tree_calls = await _run(apps, batch=False)
    batched, batch_calls = await _run(apps, batch=True)
    assert "errors" not in tree
    assert batched == tree
    assert (tree_calls.calls["reviews"], batch_calls.calls["reviews"]) == (2, 1)
    assert sum(batch_calls.calls.values()) == sum(tree_calls.calls.values()) - 1
    reviews = [b for b in batch_calls.bodies if b"_1:_entities" in b]
    assert len(reviews) == 1 and b"_0:_entities" in reviews[0]


async def test_plan_shows_batch_fetches(apps: dict[str, object]) -> None:
    client = Counting(LocalClient(apps))  # type: ignore[arg-type]
    config = GatewayConfig(expose_query_plan=True)
    gateway = Gateway(load_supergraph(SUPERGRAPH.read_text()), client, config)
    result = await gateway.execute(QUERY, expose_plan=True)
    text = result["extensions"]["apolloQueryPlan"]["text"]
    assert 'BatchFetch(service: "reviews")' in text
    assert "_1: Flatten(path:" in text
