"""Two subgraphs in one uvicorn process for the entity cache's tests: ``/accounts`` (users:
``me`` by the ``x-user-id`` header, ``user(id:)``, the ``User`` entity, with ``@cacheTag``) and
``/products`` (``topProducts``, each with a seller ``User``). They count what they are asked
(``GET /calls``) and answer with the ``Cache-Control`` that ``POST /control`` sets, as well as
the data it changes (names, sellers).

    python -m tests.cache.subgraph_app --port 4101
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from graphql import DocumentNode, GraphQLSchema, build_ast_schema, graphql, parse
from graphql.language import SchemaExtensionNode
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ACCOUNTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.12", import: ["@key", "@cacheTag"])

type Query {
  me: User
  user(id: ID!): User @cacheTag(format: "user-{$args.id}")
}

type User @key(fields: "id") @cacheTag(format: "user-{$key.id}") {
  id: ID!
  name: String!
}
"""
PRODUCTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.12", import: ["@key"])

type Query {
  topProducts: [Product!]!
}

type Product @key(fields: "upc") {
  upc: String!
  name: String!
  seller: User!
}

type User @key(fields: "id", resolvable: false) {
  id: ID!
}
"""
_PRELUDE = """
scalar _Any
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @cacheTag(format: String!) repeatable on OBJECT | FIELD_DEFINITION
"""
_ENTITIES = """
union _Entity = {types}
extend type Query {{ _entities(representations: [_Any!]!): [_Entity]! }}
"""


def _schema(sdl: str, entities: str | None) -> GraphQLSchema:
    own = [d for d in parse(sdl).definitions if not isinstance(d, SchemaExtensionNode)]
    extra = _PRELUDE + (_ENTITIES.format(types=entities) if entities else "")
    return build_ast_schema(DocumentNode(definitions=(*own, *parse(extra).definitions)))


class State:
    def __init__(self) -> None:
        self.names = {"1": "Ada", "2": "Grace", "3": "Edsger"}
        self.sellers = {"p1": "1", "p2": "2", "p3": "1"}
        self.cache_control: dict[str, str] = {}
        self.calls = {"accounts": 0, "products": 0}
        self.representations = 0  # _entities representations the accounts subgraph was sent
        self.fail = False

    def user(self, user_id: str | None) -> dict[str, Any] | None:
        if user_id is None or user_id not in self.names:
            return None
        return {"__typename": "User", "id": user_id, "name": self.names[user_id]}


STATE = State()
SCHEMAS = {
    "accounts": _schema(ACCOUNTS_SDL, "User"),
    "products": _schema(PRODUCTS_SDL, "Product"),
}


def _accounts_root(request: Request) -> dict[str, Any]:
    def entities(_info: Any, representations: list[dict[str, Any]]) -> list[Any]:
        STATE.representations += len(representations)
        return [STATE.user(str(r.get("id"))) for r in representations]

    return {
        "me": lambda _info: STATE.user(request.headers.get("x-user-id")),
        "user": lambda _info, id: STATE.user(id),
        "_entities": entities,
    }


def _products_root(_request: Request) -> dict[str, Any]:
    def top(_info: Any) -> list[dict[str, Any]]:
        return [
            {"upc": upc, "name": f"Product {upc}", "seller": {"__typename": "User", "id": uid}}
            for upc, uid in STATE.sellers.items()
        ]

    return {"topProducts": top}


ROOTS = {"accounts": _accounts_root, "products": _products_root}


async def subgraph(request: Request) -> Response:
    name = request.path_params["name"]
    STATE.calls[name] += 1
    if STATE.fail:
        return JSONResponse({"errors": [{"message": "down"}]}, status_code=503)
    body = await request.json()
    result = await graphql(
        SCHEMAS[name],
        body["query"],
        root_value=ROOTS[name](request),
        variable_values=body.get("variables"),
        operation_name=body.get("operationName"),
    )
    out: dict[str, Any] = {"data": result.data}
    if result.errors:
        out["errors"] = [e.formatted for e in result.errors]
    headers = {}
    if name in STATE.cache_control:
        headers["cache-control"] = STATE.cache_control[name]
    return JSONResponse(out, headers=headers)


async def calls(_request: Request) -> Response:
    return JSONResponse({**STATE.calls, "representations": STATE.representations})


async def control(request: Request) -> Response:
    change = await request.json()
    STATE.names.update(change.get("names", {}))
    STATE.sellers.update(change.get("sellers", {}))
    STATE.cache_control.update(change.get("cache_control", {}))
    STATE.fail = change.get("fail", STATE.fail)
    return JSONResponse({"ok": True})


async def health(_request: Request) -> Response:
    return Response("ok")


app = Starlette(
    routes=[
        Route("/health", health),
        Route("/calls", calls),
        Route("/control", control, methods=["POST"]),
        Route("/{name:str}", subgraph, methods=["POST"]),
    ]
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
