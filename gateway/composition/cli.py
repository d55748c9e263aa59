"""``fedgate compose`` and ``fedgate check``: ``register(subparsers)`` adds both subcommands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from graphql import GraphQLError, GraphQLSchema

from .api_schema import api_schema
from .compose import compose
from .config import ConfigError, load_config, load_sources
from .diff import SchemaChange, schema_changes
from .model import CompositionError, CompositionFailure, CompositionResult, Hint
from .report import json_report, text_report


def register(subparsers: Any) -> None:
    """Add ``compose`` and ``check`` to an ``argparse`` sub-parsers object."""
    compose_parser = subparsers.add_parser(
        "compose", help="compose a supergraph from a rover-format supergraph.yaml"
    )
    compose_parser.add_argument("--config", required=True, help="path to supergraph.yaml")
    compose_parser.add_argument(
        "--output", "-o", help="write the supergraph SDL here (default: stdout)"
    )
    compose_parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="how errors are printed"
    )
    compose_parser.set_defaults(func=run_compose)
    check_parser = subparsers.add_parser(
        "check", help="check that the subgraphs compose (and list changes against a supergraph)"
    )
    check_parser.add_argument("--config", required=True, help="path to supergraph.yaml")
    check_parser.add_argument("--against", help="previous supergraph SDL to compare the API with")
    check_parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="how the report is printed"
    )
    check_parser.set_defaults(func=run_check)


def _compose_config(path: str) -> CompositionResult:
    config = load_config(path)
    return compose(load_sources(config), latest=config.composition.latest)


def _fail_input(message: str, fmt: str, out: TextIO) -> int:
    if fmt == "json":
        error = CompositionError(code="INVALID_INPUT", message=message, fix="Fix the input file.")
        print(json_report(False, [error], []), file=out)
    else:
        print(f"error: {message}", file=out)
    return 1


def _emit(
    args: argparse.Namespace,
    errors: tuple[CompositionError, ...],
    hints: tuple[Hint, ...],
    changes: list[SchemaChange],
    out: TextIO,
) -> None:
    ok = not errors and not any(c.breaking for c in changes)
    if args.format == "json":
        print(json_report(ok, errors, hints, changes), file=out)
        return
    text = text_report(errors, hints, changes)
    if text:
        print(text, file=out)


def run_compose(args: argparse.Namespace) -> int:
    try:
        result = _compose_config(args.config)
    except ConfigError as exc:
        return _fail_input(str(exc), args.format, sys.stderr)
    if isinstance(result, CompositionFailure):
        _emit(args, result.errors, result.hints, [], sys.stderr)
        return 1
    if args.output:
        try:
            Path(args.output).write_text(result.file_text, encoding="utf-8")
        except OSError as exc:
            return _fail_input(
                f"{args.output}: cannot write: {exc.strerror}", args.format, sys.stderr
            )
    else:
        sys.stdout.write(result.file_text)
    _emit(args, (), result.hints, [], sys.stderr)
    return 0


def _load_against(path: str) -> GraphQLSchema:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError(f"{path}: cannot read the supergraph: {reason}") from exc
    try:
        return api_schema(text)
    except GraphQLError as exc:
        where = exc.locations[0] if exc.locations else None
        place = f"{path}:{where.line}:{where.column}" if where else path
        raise ConfigError(f"{place}: invalid supergraph SDL: {exc.message}") from exc


def run_check(args: argparse.Namespace) -> int:
    try:
        result = _compose_config(args.config)
        old = _load_against(args.against) if args.against else None
    except ConfigError as exc:
        return _fail_input(str(exc), args.format, sys.stdout)
    if isinstance(result, CompositionFailure):
        _emit(args, result.errors, result.hints, [], sys.stdout)
        return 1
    changes = schema_changes(old, api_schema(result.supergraph_sdl)) if old is not None else []
    _emit(args, (), result.hints, changes, sys.stdout)
    if args.format == "text" and not any(c.breaking for c in changes):
        print("Composition succeeded; no breaking changes.", file=sys.stdout)
    return 1 if any(c.breaking for c in changes) else 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m gateway.composition.cli``)."""
    parser = argparse.ArgumentParser(prog="fedgate")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
