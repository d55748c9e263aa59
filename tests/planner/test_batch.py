"""Plans in waves with BatchFetch: each wave's entity fetches to one subgraph become one
request. The heavy benchmark query needs 7 subgraph requests this way (13 as a tree)."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import parse

from gateway.planner import Planner, format_plan
from gateway.supergraph import load_supergraph

from .harness import expected, plan, supergraph
from .modes import check_modes

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _requests(text: str) -> int:
    """Subgraph requests of a plan text: its Fetch and BatchFetch nodes."""
    return len(re.findall(r"^\s*(?:Batch)?Fetch\(service:", text, re.MULTILINE))


def test_heavy_query_in_seven_requests() -> None:
    sg = load_supergraph((FIXTURES / "bench_supergraph.graphql").read_text())
    document = parse((FIXTURES / "heavy.graphql").read_text())
    tree = format_plan(Planner(sg).plan(document))
    batched = format_plan(Planner(sg, batch=True).plan(document))
    assert batched + "\n" == (FIXTURES / "heavy.batch.plan.txt").read_text()
    assert _requests(tree) == 13
    assert _requests(batched) == 7
    check_modes(sg, document, None)  # both plans, executed, answer the same


def test_same_subgraph_same_wave_is_one_batch() -> None:
    sg = supergraph(
        accounts="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { me: User }
        type User @key(fields: "id") { id: ID! name: String }
        """,
        products="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { top: [Product] }
        type Product @key(fields: "upc") { upc: ID! name: String }
        """,
        reviews="""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type User @key(fields: "id") { id: ID! reviewCount: Int }
        type Product @key(fields: "upc") { upc: ID! stars: Int }
        """,
    )
    query = "{ me { name reviewCount } top { name stars } }"
    document = parse(query)
    assert plan(sg, query).count("Fetch(service:") == 4
    assert format_plan(Planner(sg, batch=True).plan(document)) == expected(
        """
        QueryPlan {
          Sequence {
            Parallel {
              Fetch(service: "accounts") {
                {
                  me {
                    __typename
                    id
                    name
                  }
                }
              },
              Fetch(service: "products") {
                {
                  top {
                    __typename
                    upc
                    name
                  }
                }
              },
            },
            BatchFetch(service: "reviews") {
              _0: Flatten(path: "me") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    reviewCount
                  }
                }
              },
              _1: Flatten(path: "top.@") {
                {
                  ... on Product {
                    __typename
                    upc
                  }
                } =>
                {
                  ... on Product {
                    stars
                  }
                }
              },
            },
          },
        }
        """
    )
