"""Apollo Router's invalidation requests: a JSON list of

    {"kind": "subgraph", "subgraph": "accounts"}
    {"kind": "type", "subgraph": "accounts", "type": "User"}
    {"kind": "entity", "subgraph": "accounts", "type": "User", "key": {"id": "1"}}
    {"kind": "cache_tag", "subgraphs": ["accounts"], "cache_tag": "user-1"}

(``cache_tag`` is the response cache's; ``subgraph`` is taken for ``subgraphs`` too). Parsed
into ``Invalidation`` records, which say which entries they match: a key prefix for the first
three kinds, a tag for the last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from .analysis import digest
from .entry import Entry, prefix

__all__ = ["BadInvalidation", "Invalidation", "entity_digest", "parse_invalidations"]

Kind = Literal["subgraph", "type", "entity", "cache_tag"]


class BadInvalidation(ValueError):
    """The request body is not a list of invalidation requests (400)."""


def entity_digest(key: Mapping[str, Any]) -> str:
    """The entity part of a key: equal key objects, equal digests (keys sorted)."""
    return digest(orjson.dumps(key, option=orjson.OPT_SORT_KEYS))


@dataclass(frozen=True, slots=True)
class Invalidation:
    kind: Kind
    subgraphs: tuple[str, ...]
    type: str | None = None
    key: str | None = None  # entity_digest of the request's key
    cache_tag: str | None = None

    def prefixes(self) -> tuple[str, ...]:
        """Key prefixes of what it removes (none for a cache tag)."""
        if self.kind == "cache_tag":
            return ()
        return tuple(prefix(s, self.type, self.key) for s in self.subgraphs)

    def matches(self, key: str, entry: Entry) -> bool:
        if self.kind == "cache_tag":
            return self.cache_tag in entry.tags and any(
                key.startswith(prefix(s)) for s in self.subgraphs
            )
        return any(key.startswith(p) for p in self.prefixes())

    def to_json(self) -> dict[str, Any]:
        """For the other replicas (pub/sub): the parsed form, keys already digested."""
        return {
            "kind": self.kind,
            "subgraphs": list(self.subgraphs),
            "type": self.type,
            "key": self.key,
            "cache_tag": self.cache_tag,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Invalidation:
        return cls(
            raw["kind"],
            tuple(raw["subgraphs"]),
            raw.get("type"),
            raw.get("key"),
            raw.get("cache_tag"),
        )


def parse_invalidations(body: bytes) -> list[Invalidation]:
    try:
        raw = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadInvalidation(f"the body is not JSON: {exc}") from None
    items = raw if isinstance(raw, list) else [raw]
    return [_one(item, i) for i, item in enumerate(items)]


def _one(item: Any, i: int) -> Invalidation:
    if not isinstance(item, dict):
        raise BadInvalidation(f"[{i}]: an invalidation request is an object")
    kind = item.get("kind")
    if kind not in ("subgraph", "type", "entity", "cache_tag"):
        raise BadInvalidation(
            f"[{i}].kind: one of subgraph, type, entity, cache_tag (got {kind!r})"
        )
    subgraphs = _subgraphs(item, i)
    if kind == "cache_tag":
        tag = item.get("cache_tag")
        if not isinstance(tag, str) or not tag:
            raise BadInvalidation(f"[{i}].cache_tag: a non-empty string is needed")
        return Invalidation("cache_tag", subgraphs, cache_tag=tag)
    if kind == "subgraph":
        return Invalidation("subgraph", subgraphs)
    type_name = item.get("type")
    if not isinstance(type_name, str) or not type_name.isidentifier():
        raise BadInvalidation(f"[{i}].type: a GraphQL type name is needed")
    if kind == "type":
        return Invalidation("type", subgraphs, type_name)
    key = item.get("key")
    if not isinstance(key, dict) or not key:
        raise BadInvalidation(f"[{i}].key: the entity's key fields, as an object")
    return Invalidation("entity", subgraphs, type_name, entity_digest(key))


def _subgraphs(item: dict[str, Any], i: int) -> tuple[str, ...]:
    one = item.get("subgraph")
    many = item.get("subgraphs")
    names = [one] if one is not None else many
    if not isinstance(names, list) or not names:
        raise BadInvalidation(f"[{i}].subgraph: the subgraph's name is needed")
    for name in names:
        if not isinstance(name, str) or not name or ":" in name or "*" in name:
            raise BadInvalidation(f"[{i}].subgraph: {name!r} is not a subgraph name")
    return tuple(names)
