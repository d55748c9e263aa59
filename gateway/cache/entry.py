"""One cached part (an entity, or a root fetch's data) and its key.

Keys read ``ec1:<subgraph>:<type>:<entity>:<selection>:<variables>[:p<private id>]`` (root
fetches: ``<type>`` is the root type and ``<entity>`` is ``root``), so that invalidation by
subgraph, type or entity is a key prefix: a string test in memory, a ``SCAN MATCH prefix*`` in
Redis (as Apollo Router does). Both tiers keep the same bytes: the expiry (wall clock, shared
by the replicas), the private flag, the tags and the JSON data.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

__all__ = ["VERSION", "Entry", "decode", "encode", "prefix"]

VERSION = "ec1"


@dataclass(frozen=True, slots=True)
class Entry:
    data: bytes  # the part's JSON
    expires: float  # time.time() when it expires
    private: bool = False
    tags: tuple[str, ...] = ()


def encode(entry: Entry) -> bytes:
    head = orjson.dumps([round(entry.expires, 3), entry.private, entry.tags])
    return head + b"\n" + entry.data


def decode(raw: bytes) -> Entry | None:
    """None for bytes this version did not write (another version's entry)."""
    head, sep, data = raw.partition(b"\n")
    if not sep:
        return None
    try:
        expires, private, tags = orjson.loads(head)
    except (orjson.JSONDecodeError, ValueError, TypeError):
        return None
    return Entry(data, float(expires), bool(private), tuple(tags))


def prefix(subgraph: str, type_name: str | None = None, entity: str | None = None) -> str:
    """The key prefix of a subgraph's entries, or of one type's, or of one entity's."""
    out = f"{VERSION}:{subgraph}:"
    if type_name is not None:
        out += f"{type_name}:"
        if entity is not None:
            out += f"{entity}:"
    return out
