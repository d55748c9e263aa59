"""``fedgate plan --supergraph FILE query.graphql``: print the query plan in Apollo's format."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from graphql import GraphQLError, parse, validate

from ..errors import GatewayError
from ..supergraph import load_supergraph
from .format import format_plan
from .planner import Planner

__all__ = ["register"]


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "plan", help="print the query plan of an operation"
    )
    p.add_argument("--supergraph", required=True, type=Path, help="supergraph SDL file")
    p.add_argument(
        "operation", type=Path, help="file with the GraphQL operation ('-': standard input)"
    )
    p.add_argument("--operation-name", default=None, help="operation to plan when several")
    p.add_argument(
        "--batch",
        action="store_true",
        help="plan in waves with batched entity fetches, as `fedgate serve` does by default",
    )
    p.add_argument(
        "--no-defer",
        action="store_true",
        help="plan @defer fragments as plain ones (supergraph.defer_support: false)",
    )
    p.add_argument(
        "--override-label",
        action="append",
        default=[],
        metavar="LABEL",
        help="a progressive @override label to plan as on, e.g. 'percent(10)' (repeatable; "
        "labels not given are off)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        sdl = _read(args.supergraph)
        text = _read(args.operation)
        supergraph = load_supergraph(sdl, source=str(args.supergraph))
        document = _parse(text, str(args.operation))
        errors = validate(supergraph.api_schema, document)
        if errors:
            for e in errors:
                loc = e.locations[0] if e.locations else None
                where = f"{args.operation}:{loc.line}:{loc.column}" if loc else str(args.operation)
                print(f"{where}: GRAPHQL_VALIDATION_FAILED: {e.message}", file=sys.stderr)
            return 1
        plan = Planner(supergraph, batch=args.batch, defer=not args.no_defer).plan(
            document, args.operation_name, labels=frozenset(args.override_label)
        )
    except GatewayError as error:
        print(f"error: {error.code}: {error.message}", file=sys.stderr)
        return 1
    print(format_plan(plan))
    return 0


def _read(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise GatewayError(f"cannot read {path}: {error.strerror}", code="FILE_ERROR") from None


def _parse(text: str, source: str) -> Any:
    try:
        return parse(text)
    except GraphQLError as error:
        loc = error.locations[0] if error.locations else None
        where = f"{source}:{loc.line}:{loc.column}" if loc else source
        raise GatewayError(f"{where}: {error.message}", code="GRAPHQL_PARSE_FAILED") from None
