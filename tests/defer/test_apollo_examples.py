"""@defer answers checked against Apollo Router's documented examples.

* Apollo Router's test sample ``apollo-router/tests/samples/core/defer/plan.json``
  (github.com/apollographql/router): the subgraphs hold the sample's data (``me`` is user 1
  named "test", with one review "Test"); the query ``{ me { name ... @defer { reviews { body
  } } } }`` with ``Accept: multipart/mixed;deferSpec=20220824`` must send the subgraphs the
  sample's two requests (``{ me { __typename name id } }``, then ``_entities`` for
  ``{"__typename": "User", "id": "1"}`` selecting ``reviews { body }``) and answer the
  sample's two parts exactly.
* Apollo Router's defer docs (https://www.apollographql.com/docs/graphos/routing/operations/
  defer): "To respond incrementally, the router uses a multipart-encoded HTTP response", and
  the content type it answers: ``multipart/mixed;boundary="graphql";deferSpec=20220824``
  (apollographql/router#1648).
"""

from __future__ import annotations

import asyncio

import httpx
from graphql import parse, print_ast

from .harness import gateway, streamed
from .shop import Shop as Subgraphs


def _fields(query: str) -> list[str]:
    """A subgraph query's printed selection, field order aside (Apollo orders its own)."""
    printed = print_ast(parse(query))
    return sorted(line.strip() for line in printed.splitlines())


def test_apollo_router_defer_sample() -> None:
    async def main() -> None:
        async with gateway() as shop, httpx.AsyncClient(timeout=20) as client:
            query = "{ me { name ... @defer { reviews { body } } } }"
            accept = "multipart/mixed;deferSpec=20220824"
            async with streamed(client, shop.url, query, accept=accept) as parts:
                assert parts.response.headers["content-type"] == (
                    'multipart/mixed;boundary="graphql";deferSpec=20220824'
                )
                every = [await parts.next(), *await parts.rest()]
            assert every == [
                {"data": {"me": {"name": "test"}}, "hasNext": True},
                {
                    "hasNext": False,
                    "incremental": [{"data": {"reviews": [{"body": "Test"}]}, "path": ["me"]}],
                },
            ]
            [accounts] = Subgraphs.requests["accounts"]
            assert _fields(accounts["query"]) == _fields("{ me { __typename name id } }")
            [reviews] = Subgraphs.requests["reviews"]
            assert reviews["variables"] == {"representations": [{"__typename": "User", "id": "1"}]}
            sample = (
                "query($representations: [_Any!]!) { _entities(representations: "
                "$representations) { ... on User { reviews { body } } } }"
            )
            assert _fields(reviews["query"]) == _fields(sample)

    asyncio.run(main())
