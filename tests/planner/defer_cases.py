"""The @defer planning cases: subgraphs and operations, shared by the golden tests and the
script that records Apollo's plans for them (``python -m tests.planner.defer_cases``, with
Node and ../shared/bench: writes ``defer_reference/<case>.txt``)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from .harness import NODE_MODULES, ROOT, supergraph

HERE = Path(__file__).parent
REFERENCE = HERE / "defer_reference"

ACCOUNTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { me: User }
type User @key(fields: "id") { id: ID! name: String }
"""
PRODUCTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { topProducts: [Product] product(upc: String!): Product search: [Hit] }
type Product @key(fields: "upc") { upc: String! name: String price: Int dimensions: Dimensions }
type Dimensions { size: String weight: Int }
type Category { name: String }
union Hit = Product | Category
"""
REVIEWS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { reviewCount: Int }
type Product @key(fields: "upc") { upc: String! reviews: [Review] }
type Review @key(fields: "id") { id: ID! body: String author: User }
type User @key(fields: "id") { id: ID! reviews: [Review] }
"""
INVENTORY = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Product @key(fields: "upc") { upc: String! inStock: Boolean }
"""

CASES = {
    # Apollo Router's own sample (apollo-router/tests/samples/core/defer)
    "entity_boundary": "{ me { name ... @defer { reviews { body } } } }",
    "list_with_label": '{ topProducts { name ... @defer(label: "r") { reviews { body } } } }',
    "same_subgraph": "{ topProducts { name ... @defer { price dimensions { size } } } }",
    "two_subgraphs": '{ product(upc: "1") { name ... @defer { price inStock } } }',
    "nested": (
        '{ topProducts { name ... @defer(label: "r") '
        '{ reviews { body ... @defer(label: "a") { author { name } } } } } }'
    ),
    "root": "{ topProducts { name } ... @defer { reviewCount } }",
    "value_type": "{ topProducts { dimensions { size ... @defer { weight } } } }",
    "named_fragment": (
        '{ topProducts { name ...Stock @defer(label: "s") } } fragment Stock on Product { inStock }'
    ),
    "abstract": (
        '{ search { ... on Product @defer(label: "p") { name inStock } ... on Category { name } } }'
    ),
    "siblings": (
        '{ topProducts { name ... @defer(label: "s") { inStock } '
        '... @defer(label: "r") { reviews { body } } } }'
    ),
}


def shop():  # type: ignore[no-untyped-def]
    return supergraph(accounts=ACCOUNTS, products=PRODUCTS, reviews=REVIEWS, inventory=INVENTORY)


def record() -> None:
    """Apollo's plans for the cases (``scripts/apollo_plan.mjs`` with DEFER=1)."""
    sg = shop()
    REFERENCE.mkdir(exist_ok=True)
    env = dict(os.environ, NODE_PATH=str(NODE_MODULES.resolve()), DEFER="1")
    with tempfile.TemporaryDirectory() as tmp:
        schema = Path(tmp) / "supergraph.graphql"
        schema.write_text(sg.sdl)
        for name, query in CASES.items():
            path = Path(tmp) / f"{name}.graphql"
            path.write_text(query)
            script = str(ROOT / "scripts" / "apollo_plan.mjs")
            done = subprocess.run(
                ["node", script, str(schema), str(path)],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            (REFERENCE / f"{name}.txt").write_text(done.stdout)


if __name__ == "__main__":
    record()
