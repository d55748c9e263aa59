"""What every service shares: its definition, request context, ASGI app and CLI."""

import argparse
import os
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from subgraphs import default_port

from . import tracing
from .db import Database
from .sdl import subgraph_sdl

L = TypeVar("L")

GRAPHQL_PATH = "/graphql"
HEALTH_PATH = "/health"


@dataclass
class RequestContext(Generic[L]):
    """``info.context`` of every resolver: the service's database and this request's loaders."""

    db: Database
    loaders: L


@dataclass(frozen=True)
class ServiceDefinition(Generic[L]):
    """Everything that makes one service: schema, tables, demo data, loaders."""

    name: str
    schema: strawberry.federation.Schema
    ddl: str
    seed: Callable[[sqlite3.Connection], None]
    make_loaders: Callable[[Database], L]

    @property
    def env_prefix(self) -> str:
        return f"FEDGATE_{self.name.upper()}_"

    def open_database(self, path: str | Path) -> Database:
        return Database.open(path, ddl=self.ddl, seed=self.seed)

    def new_context(self, db: Database) -> RequestContext[L]:
        """A fresh context (fresh DataLoaders) for one request; needs a running loop."""
        return RequestContext(db=db, loaders=self.make_loaders(db))

    def sdl(self) -> str:
        return subgraph_sdl(self.schema)


class SubgraphGraphQL(GraphQL[RequestContext[Any], None]):
    """strawberry's ASGI GraphQL app with one context (and set of loaders) per request."""

    def __init__(self, service: ServiceDefinition[Any], db: Database) -> None:
        super().__init__(service.schema)
        self.service = service
        self.db = db

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext[Any]:
        return self.service.new_context(self.db)


def create_app(service: ServiceDefinition[Any], db: Database) -> Starlette:
    """The service's ASGI app: GraphQL (and GraphiQL) at ``/graphql``, ``/health``."""

    async def health(request: Request) -> JSONResponse:
        try:
            db.query("SELECT 1")
        except sqlite3.Error as error:
            return JSONResponse(
                {"status": "error", "service": service.name, "error": str(error)},
                status_code=503,
            )
        return JSONResponse({"status": "ok", "service": service.name})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        db.close()

    graphql_app: Any = SubgraphGraphQL(service, db)
    if tracing.enabled():
        # continues the gateway's trace (traceparent) when an OTLP endpoint is configured
        graphql_app = tracing.instrument(graphql_app, service.name)
    return Starlette(
        routes=[
            Route(GRAPHQL_PATH, graphql_app, methods=["GET", "POST"]),
            # subscriptions (orders' orderPlaced): graphql-transport-ws and graphql-ws
            WebSocketRoute(GRAPHQL_PATH, graphql_app),
            Route(HEALTH_PATH, health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def with_signature_check(service: ServiceDefinition[Any], app: Any, env: Any) -> Any:
    """``app`` behind fedgate's HMAC signature check when ``FEDGATE_<NAME>_SIGNING_KEYS`` holds
    ``key-id=secret`` pairs (comma-separated; ``fedgate dev`` sets it for products): then only
    requests the gateway signed get through (docs/signing.md). ``/health`` stays open."""
    spec = env.get(f"{service.env_prefix}SIGNING_KEYS", "")
    if not spec:
        return app
    from gateway.signing.verify import VerifySignatures

    keys = dict(pair.split("=", 1) for pair in spec.split(",") if "=" in pair)
    return VerifySignatures(app, keys=keys, exempt_paths=(HEALTH_PATH,))


def parse_args(service: ServiceDefinition[Any], argv: Sequence[str] | None) -> argparse.Namespace:
    env = os.environ
    prefix = service.env_prefix
    parser = argparse.ArgumentParser(
        prog=f"python -m subgraphs.{service.name}",
        description=f"Run the {service.name} subgraph of the fedgate example graph.",
    )
    parser.add_argument(
        "--host",
        default=env.get(f"{prefix}HOST", env.get("FEDGATE_HOST", "127.0.0.1")),
        help=f"interface to listen on (env {prefix}HOST or FEDGATE_HOST; default 127.0.0.1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(env.get(f"{prefix}PORT", default_port(service.name))),
        help=f"port (env {prefix}PORT; default {default_port(service.name)})",
    )
    parser.add_argument(
        "--db",
        default=env.get(f"{prefix}DB", f"data/{service.name}.sqlite3"),
        help=(
            f"SQLite file, created and seeded on first start (env {prefix}DB; "
            f"default data/{service.name}.sqlite3)"
        ),
    )
    parser.add_argument(
        "--log-level",
        default=env.get("FEDGATE_LOG_LEVEL", "info"),
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn log level (env FEDGATE_LOG_LEVEL; default info)",
    )
    parser.add_argument(
        "--print-sdl",
        action="store_true",
        help="print the subgraph SDL (Federation 2, as served by _service) and exit",
    )
    return parser.parse_args(argv)


def main(service: ServiceDefinition[Any], argv: Sequence[str] | None = None) -> int:
    """``python -m subgraphs.<name>``: serve the service, or print its SDL."""
    args = parse_args(service, argv)
    if args.print_sdl:
        sys.stdout.write(service.sdl())
        return 0

    import uvicorn

    db = service.open_database(args.db)
    app = with_signature_check(service, create_app(service, db), os.environ)
    print(
        f"{service.name}: http://{args.host}:{args.port}{GRAPHQL_PATH} (db: {args.db})",
        flush=True,
    )
    # uvicorn handles SIGINT/SIGTERM (graceful shutdown) and exits with status 1 when
    # it cannot bind the port.
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0
