"""``fedgate serve``: registered into the main command by ``gateway.cli``."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand to an argparse sub-parsers object."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="serve the gateway over HTTP",
        description="Serve a supergraph over HTTP (POST/GET /graphql, GET /health).",
    )
    parser.add_argument(
        "--supergraph",
        required=True,
        metavar="FILE|URL",
        help="supergraph SDL: a file, or an http(s) URL polled for changes (ETag)",
    )
    parser.add_argument(
        "--host", default=None, help="bind address (default: supergraph.listen, else 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=None, help="port (default: supergraph.listen, else 4000)"
    )
    parser.add_argument(
        "--workers", type=int, default=1, metavar="N", help="worker processes (default 1)"
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=None,
        help="router.yaml (Apollo Router 2.x keys; see docs/configuration.md)",
    )
    parser.add_argument(
        "--dev",
        action="store_true",
        help="turn on introspection, GraphiQL, query-plan exposure and subgraph error "
        "messages (all off in production)",
    )
    parser.add_argument(
        "--hot-reload",
        action="store_true",
        default=None,
        help="reload when the supergraph or config file changes (also FEDGATE_HOT_RELOAD or "
        "APOLLO_ROUTER_HOT_RELOAD=true; on with --dev); SIGHUP always reloads",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from .run import serve

    return serve(
        args.supergraph,
        host=args.host,
        port=args.port,
        workers=args.workers,
        config_path=args.config,
        dev=args.dev,
        hot_reload=args.hot_reload,
    )
