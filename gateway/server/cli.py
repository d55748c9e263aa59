"""``fedgate serve``: registered into the main command by ``gateway.cli``."""

from __future__ import annotations

import argparse
import os
import sys
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
        default=None,
        metavar="FILE|URL",
        help="supergraph SDL: a file, or an http(s) URL polled for changes (ETag); "
        "env FEDGATE_SUPERGRAPH (or APOLLO_ROUTER_SUPERGRAPH_PATH)",
    )
    parser.add_argument(
        "--host",
        default=None,
        help="bind address (env FEDGATE_HOST; default: supergraph.listen, else 127.0.0.1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help="port (env FEDGATE_PORT; default: supergraph.listen, else 4000)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (env FEDGATE_WORKERS; default 1)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=None,
        help="router.yaml (Apollo Router 2.x keys; see docs/configuration.md); "
        "env FEDGATE_CONFIG (or APOLLO_ROUTER_CONFIG_PATH)",
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
    from .serve_env import ServeEnvError, serve_settings

    try:
        settings = serve_settings(
            supergraph=args.supergraph,
            config=args.config,
            host=args.host,
            port=args.port,
            workers=args.workers,
            env=os.environ,
        )
    except ServeEnvError as exc:
        print(f"fedgate serve: {exc}", file=sys.stderr)
        return 2
    return serve(
        settings.supergraph,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        config_path=settings.config,
        dev=args.dev,
        hot_reload=args.hot_reload,
    )
