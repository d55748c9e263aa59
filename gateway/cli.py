"""The ``fedgate`` command: one subcommand per stage (compose, check, plan, serve, dev).

Each stage's package registers its own subcommands; this module only wires them together.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from . import __version__
from .compiled import compiled_status

__all__ = ["main"]

# Modules exposing ``register(subparsers)``; imported in this order so ``--help`` lists the
# stages in data-flow order.
_STAGES = (
    "gateway.composition.cli",
    "gateway.planner.cli",
    "gateway.config.cli",
    "gateway.server.cli",
    "gateway.dev",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fedgate", description="GraphQL federation gateway")
    # "(pure Python)" or "(compiled modules: N of M)": which build runs (docs/compiled.md)
    version = f"fedgate {__version__} ({compiled_status().summary()})"
    parser.add_argument("--version", action="version", version=version)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _STAGES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`fedgate check | head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
