"""``fedgate dev``: the demo. Starts the example subgraphs (``subgraphs/``) on loopback ports,
then serves ``schema/supergraph.graphql`` on port 4000 with GraphiQL, introspection and
query-plan exposure on (they are off in ``fedgate serve`` unless configured or ``--dev``), and
JWT authentication with a fresh local key (``gateway/auth/demo.py``) whose JWKS it serves over
HTTP on a free loopback port (``gateway/auth/demo_jwks.py``): it prints that URL and a ready
token. Ctrl-C stops all."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .dev_events import NatsFeed, events_config, nats_feed

__all__ = ["register"]

_DEV_KEY_ID = "fedgate-dev"  # the key id in schema/dev-router.yaml


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "dev", help="run the example subgraphs and the gateway (the demo)"
    )
    p.add_argument(
        "--supergraph",
        default="schema/supergraph.graphql",
        type=Path,
        help="supergraph SDL (default: the committed schema/supergraph.graphql)",
    )
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=4000, help="gateway port; subgraphs use the next")
    p.add_argument("--data-dir", default="data", help="where the subgraphs keep their SQLite files")
    p.add_argument(
        "--config",
        default="schema/dev-router.yaml",
        type=Path,
        help="router.yaml (default: the committed schema/dev-router.yaml: subscriptions and "
        "signed calls to products on)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        import subgraphs.run_all  # noqa: F401 - only: are the example services installed?
    except ImportError:
        print("fedgate dev: the example subgraphs are not installed", file=sys.stderr)
        return 1
    if not args.supergraph.is_file():
        print(f"fedgate dev: no supergraph at {args.supergraph}", file=sys.stderr)
        return 1
    # uvicorn handles SIGTERM, then raises it again once shut down; with the default handler
    # that kills this process before the services are stopped (they were orphaned, keeping
    # their ports). As an exception it unwinds through start_all, which stops them.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        return _run(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _orders_publish_to(feed: NatsFeed | None) -> Iterator[None]:
    """The orders service publishes placed orders to the demo's NATS (an environment
    variable its process inherits), for as long as the demo runs."""
    if feed is None:
        yield
        return
    os.environ["FEDGATE_DEV_NATS_URL"] = feed.url
    try:
        yield
    finally:
        os.environ.pop("FEDGATE_DEV_NATS_URL", None)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _run(args: argparse.Namespace) -> int:
    from subgraphs.run_all import StartupError, start_all

    from .auth.demo import authentication_config, demo_credentials
    from .auth.demo_jwks import serve_jwks
    from .config import env_name
    from .server.run import serve

    # Both ends of a signed subgraph call: products checks the signature the gateway adds
    # (docs/subgraph-trust.md). A fresh secret per run, handed over in the environment.
    secret = secrets.token_urlsafe(32)
    os.environ["FEDGATE_PRODUCTS_SIGNING_KEYS"] = f"{_DEV_KEY_ID}={secret}"
    os.environ["FEDGATE_DEV_SIGNING_SECRET"] = secret
    # `me`, orders and placeOrder need a token: a fresh key, its JWKS served like an IdP's
    # (on a free port: the ports after the gateway's belong to the subgraphs), a ready token
    credentials = demo_credentials()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="fedgate-dev-") as work,
            serve_jwks(args.host, credentials.jwks) as jwks_url,
            # events: a NATS server feeding liveOrders, when nats-server is installed
            nats_feed(Path(work), args.host, args.supergraph) as feed,
            _orders_publish_to(feed),
            start_all(host=args.host, base_port=args.port, data_dir=args.data_dir) as running,
        ):
            config = _dev_config(args.config, Path(work), authentication_config(jwks_url), feed)
            supergraph = feed.supergraph if feed is not None else args.supergraph
            for name, url in running.urls.items():
                # the committed supergraph routes to the default ports; point it at these
                os.environ.setdefault(env_name(name), url)
                print(f"  subgraph {name:<10} {url}")
            print(f"\n  fedgate   http://{args.host}:{args.port}/graphql  (GraphiQL in a browser)")
            print(f"  jwks      {jwks_url}")
            print(f"  token     {credentials.token}")
            print("            (send it as `Authorization: Bearer <token>`; user 1, orders:write)")
            print("  Ctrl-C stops everything.\n", flush=True)
            # the demo: introspection, GraphiQL and query plans on (serve's `--dev`)
            return serve(supergraph, host=args.host, port=args.port, config_path=config, dev=True)
    except (StartupError, OSError) as error:  # OSError: the JWKS port could not be bound
        print(f"fedgate dev: {error}", file=sys.stderr)
        return 1


def _dev_config(base: Path, work: Path, authentication: str, feed: NatsFeed | None) -> Path:
    """``base`` (schema/dev-router.yaml: subscriptions, signed calls) with the demo's JWT
    section added, unless ``base`` authenticates in its own way, and the NATS provider when
    the demo runs one."""
    text = base.read_text(encoding="utf-8") if base.is_file() else ""
    if not re.search(r"^authentication:", text, re.M):
        text = f"{text.rstrip()}\n\n{authentication}"
    if feed is not None:
        text = events_config(text, feed.url)
    config = work / "router.yaml"
    config.write_text(text, encoding="utf-8")
    return config
