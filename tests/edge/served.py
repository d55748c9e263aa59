"""The gateway under uvicorn in a thread, on a free port, in front of the cost graph's
subgraphs (graphql-core, in process), configured from a router.yaml text."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from graphql import GraphQLSchema, print_schema

from gateway.config import GatewayConfig, load_config
from gateway.server import create_app
from gateway.server.reload import ReloadSpec
from gateway.transport import LocalClient
from gateway.transport.local import GraphQLCoreApp
from tests.e2e.processes import free_port
from tests.execution.exec_subgraphs import entity_app

from .cost_graph import cost_supergraph

PRODUCTS = [
    {"__typename": "Product", "id": str(i), "name": f"p{i}", "status": "ACTIVE",
     "price": {"amount": i}, "reviews": [{"id": f"r{i}", "body": "ok"}] * (i % 3)}
    for i in range(1, 21)
]  # fmt: skip


def shop_app() -> GraphQLCoreApp:
    """The shop subgraph: 20 products (product i has i % 3 reviews)."""
    # the API schema admits clients' @defer; a subgraph executed by graphql-core must not
    api = cost_supergraph().api_schema
    kwargs = api.to_kwargs()
    kwargs["directives"] = tuple(d for d in api.directives if d.name != "defer")
    sdl = print_schema(GraphQLSchema(**kwargs))
    return entity_app(
        sdl,
        root={
            "everything": lambda *_: PRODUCTS,
            "topProducts": lambda _info, first: PRODUCTS[:first],
            "products": lambda _info, first=None, last=None: PRODUCTS[: first or last or 20],
            "featured": lambda *_: PRODUCTS[:3],
            "recent": lambda _info, count=4: PRODUCTS[-count:],
            "product": lambda _info, id: PRODUCTS[int(id) - 1],
            "expensive": lambda *_: 1,
            "addReview": lambda _info, productId, body: {"id": "new", "body": body},
        },
    )


SHIPPING_SDL = """
type Query { _unused: Int }
type Product { id: ID! shipping: Int }
"""


def shipping_app() -> GraphQLCoreApp:
    """The shipping subgraph: a product's shipping is twice the price it is handed
    (``@requires(fields: "price { amount }")``)."""
    return entity_app(
        SHIPPING_SDL,
        entities={
            "Product": lambda rep: {
                "__typename": "Product",
                "id": rep["id"],
                "shipping": 2 * rep["price"]["amount"],
            }
        },
    )


def config_from(tmp_path: Path, yaml: str) -> GatewayConfig:
    path = tmp_path / "router.yaml"
    path.write_text(yaml)
    return load_config(path, environ={})


@dataclass
class Served:
    url: str
    app: Any
    subgraph: GraphQLCoreApp
    shipping: GraphQLCoreApp


@contextlib.contextmanager
def serve(config: GatewayConfig, reload: ReloadSpec | None = None) -> Iterator[Served]:
    """``reload``: watch files as ``fedgate serve`` does (the subgraph client is kept)."""
    subgraph, shipping = shop_app(), shipping_app()
    client = LocalClient({"shop": subgraph, "shipping": shipping})
    app = create_app(cost_supergraph(), config=config, client=client, reload=reload)
    port = free_port()
    server = uvicorn.Server(
        # as `fedgate serve` with client_access: the peer as it is, X-Forwarded-For unread
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
            proxy_headers=False,
        )
    )
    thread = threading.Thread(target=server.run, name="gateway", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.started, "the gateway did not start"
        yield Served(f"http://127.0.0.1:{port}/graphql", app, subgraph, shipping)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
