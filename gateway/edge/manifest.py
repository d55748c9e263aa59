"""Persisted query manifests: Apollo's format (``apollo-persisted-query-manifest``, version 1:
``operations: [{id, name, type, body}]``) or Relay's (``{"<id>": "<text>"}``). Several files
merge; a later file's id wins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson
from graphql import GraphQLError, parse, print_ast

from gateway.errors import ConfigError

__all__ = ["APOLLO_FORMAT", "Manifest", "load_manifests", "normalise"]

APOLLO_FORMAT = "apollo-persisted-query-manifest"


@dataclass(frozen=True, slots=True)
class Manifest:
    """Operation texts by id, and the set of listed texts (normalised) for the safelist."""

    by_id: Mapping[str, str]
    bodies: frozenset[str]

    def listed(self, query: str) -> bool:
        """Whether a free-form query is in the list: its exact text, or the same document
        printed alike (whitespace and comments do not matter, as in Apollo's safelist)."""
        return query in self.bodies or normalise(query) in self.bodies


def normalise(query: str) -> str:
    try:
        return print_ast(parse(query))
    except GraphQLError:
        return query


def load_manifests(paths: Iterable[str]) -> Manifest:
    by_id: dict[str, str] = {}
    for path in paths:
        by_id.update(_read(path))
    bodies = frozenset(by_id.values()) | frozenset(normalise(b) for b in by_id.values())
    return Manifest(MappingProxyType(by_id), bodies)


def _read(path: str) -> dict[str, str]:
    try:
        raw: Any = orjson.loads(Path(path).read_bytes())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the persisted query manifest: {exc}") from None
    except orjson.JSONDecodeError as exc:
        raise ConfigError(f"{path}: the persisted query manifest is not JSON: {exc}") from None
    if isinstance(raw, dict) and raw.get("format") == APOLLO_FORMAT:
        return _apollo(path, raw)
    if isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values()):
        return {str(k): v for k, v in raw.items()}  # Relay's id -> text
    raise ConfigError(
        f"{path}: not a persisted query manifest (Apollo's format {APOLLO_FORMAT!r}, or "
        "Relay's JSON object of id -> query text)"
    )


def _apollo(path: str, raw: dict[str, Any]) -> dict[str, str]:
    if raw.get("version") != 1:
        raise ConfigError(f"{path}: manifest version {raw.get('version')!r}; 1 is supported")
    out: dict[str, str] = {}
    for i, op in enumerate(raw.get("operations") or ()):
        if not (isinstance(op, dict) and isinstance(op.get("id"), str)) or not isinstance(
            op.get("body"), str
        ):
            raise ConfigError(f"{path}: operations[{i}] needs a string 'id' and 'body'")
        out[op["id"]] = op["body"]
    return out
