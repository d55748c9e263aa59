"""No N+1 through the gateway: a query over 24 reviews with their authors and products costs
one subgraph request per service per plan level, and one SQL statement per service, not one
per review.

Our gateway (``gateway.pipeline.Gateway``: planner and executor) runs over the committed
supergraph against the five real strawberry services, in-process (``LocalClient`` calling
their ASGI apps), each on its own in-memory SQLite database. A wrapper around the client
counts the subgraph requests; the databases' trace callbacks count the statements.
"""

from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from gateway.pipeline import Gateway
from gateway.supergraph import load_supergraph
from gateway.transport import LocalClient, SubgraphRequest, SubgraphResponse
from subgraphs import SERVICE_NAMES
from subgraphs.accounts.data import USERS
from subgraphs.common.db import Database
from subgraphs.common.service import create_app
from subgraphs.inventory.service import shipping_estimate
from subgraphs.orders.data import ALLOCATIONS
from subgraphs.products.data import PRODUCTS
from subgraphs.reviews.data import REVIEWS
from subgraphs.services import SERVICES
from tests.subgraphs.test_batching import in_list

pytestmark = pytest.mark.anyio

SUPERGRAPH = Path(__file__).resolve().parents[2] / "schema" / "supergraph.graphql"

REVIEW_COUNT = 24

QUERY = """query LatestReviews($n: Int!) {
  latestReviews(first: $n) {
    id
    rating
    body
    author { username name }
    product { upc name price shippingEstimate unitsAvailable }
  }
}"""

# reviews answers latestReviews (and author.username, @provides); then, in parallel,
# accounts (author.name), products (name, price) and orders (unitsAvailable); then
# inventory, whose shippingEstimate @requires price and weight from products.
LEVELS = [{"reviews"}, {"accounts", "products", "orders"}, {"inventory"}]


def extra_reviews(count: int) -> list[tuple[str, str, str, str, int, str, str]]:
    """``count`` more reviews than the demo's, newer than all of them, spread over every
    user and product (the demo data has only eight)."""
    rows = []
    for index in range(count):
        user_id, username, *_ = USERS[index % len(USERS)]
        upc = PRODUCTS[index % len(PRODUCTS)][0]
        review_id = str(len(REVIEWS) + 1 + index)
        body = f"Test review {review_id} by {username}."
        rows.append(
            (review_id, upc, user_id, username, 1 + index % 5, body, f"2025-01-{index + 1:02}")
        )
    return rows


class CountingClient:
    """A ``SubgraphClient`` that records which subgraph each request went to, in order."""

    def __init__(self, inner: LocalClient) -> None:
        self.inner = inner
        self.requests: list[str] = []

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        self.requests.append(request.subgraph)
        return await self.inner.fetch(request)


@pytest.fixture
def databases() -> Iterator[dict[str, Database]]:
    dbs = {name: SERVICES[name].open_database(":memory:") for name in SERVICE_NAMES}
    added = extra_reviews(REVIEW_COUNT - len(REVIEWS))
    with dbs["reviews"].transaction() as connection:
        connection.executemany("INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?)", added)
    yield dbs
    for db in dbs.values():
        db.close()


def expected_reviews() -> list[dict[str, Any]]:
    """What the query must answer, from the seed data, newest review first."""
    users = {user_id: (username, name) for user_id, username, name, *_ in USERS}
    products = {upc: (name, price, weight) for upc, name, price, weight, _ in PRODUCTS}
    available = dict(ALLOCATIONS)
    rows = sorted(
        [*REVIEWS, *extra_reviews(REVIEW_COUNT - len(REVIEWS))],
        key=lambda row: (row[6], int(row[0])),
        reverse=True,
    )
    expected = []
    for review_id, upc, author_id, _, rating, body, _ in rows:
        username, name = users[author_id]
        product_name, price, weight = products[upc]
        expected.append(
            {
                "id": review_id,
                "rating": rating,
                "body": body,
                "author": {"username": username, "name": name},
                "product": {
                    "upc": upc,
                    "name": product_name,
                    "price": price,
                    "shippingEstimate": shipping_estimate(price, weight),
                    "unitsAvailable": available[upc],
                },
            }
        )
    return expected


async def test_reviews_with_authors_and_products_cost_one_request_and_statement_per_service(
    databases: dict[str, Database],
) -> None:
    apps = {name: create_app(SERVICES[name], db) for name, db in databases.items()}
    client = CountingClient(LocalClient(apps))
    gateway = Gateway(load_supergraph(SUPERGRAPH.read_text()), client)
    with ExitStack() as stack:
        statements = {
            name: stack.enter_context(db.capture_statements()) for name, db in databases.items()
        }
        result = await gateway.execute(QUERY, {"n": REVIEW_COUNT})

    assert "errors" not in result, result
    reviews = result["data"]["latestReviews"]
    assert len(reviews) == REVIEW_COUNT
    assert len({review["author"]["username"] for review in reviews}) == len(USERS)
    assert len({review["product"]["upc"] for review in reviews}) == len(PRODUCTS)
    assert reviews == expected_reviews()

    # One request per service per plan level, each level after the one it depends on.
    assert Counter(client.requests) == Counter(SERVICE_NAMES)
    levels = [client.requests[:1], client.requests[1:4], client.requests[4:]]
    assert [set(level) for level in levels] == LEVELS

    # One SQL statement per service: each service loaded all its entities in one batch.
    assert {name: len(executed) for name, executed in statements.items()} == {
        name: 1 for name in SERVICE_NAMES
    }, statements
    # Each entity batch asked for every distinct author or product once, in one IN list.
    assert "LIMIT 24" in statements["reviews"][0]
    user_ids = sorted(user[0] for user in USERS)
    upcs = sorted(product[0] for product in PRODUCTS)
    assert sorted(in_list(statements["accounts"][0])) == user_ids
    for name in ("products", "inventory", "orders"):
        assert sorted(in_list(statements[name][0])) == upcs, name
