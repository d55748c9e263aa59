"""``fedgate config schema`` (the JSON Schema of router.yaml) and ``fedgate config validate
FILE`` (check a file as ``fedgate serve`` would, without a supergraph)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "config",
        help="print the config file's JSON Schema, or check a config file",
        description="The router.yaml configuration (Apollo Router 2.x keys; fedgate's own "
        "settings under fedgate:).",
    )
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    schema = actions.add_parser("schema", help="print the JSON Schema of the config file")
    schema.set_defaults(func=_schema)
    validate = actions.add_parser("validate", help="check a config file; exit 1 on a problem")
    validate.add_argument("file", metavar="FILE", help="the router.yaml to check")
    validate.set_defaults(func=_validate)


def _schema(args: argparse.Namespace) -> int:
    from . import config_json_schema

    print(json.dumps(config_json_schema(), indent=2))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from gateway.errors import ConfigError

    from . import load_config

    try:
        load_config(args.file)
    except ConfigError as exc:
        print(f"fedgate: {exc.message}", file=sys.stderr)
        return 1
    print(f"{args.file}: ok")
    return 0
