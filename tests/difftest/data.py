"""Deterministic subgraph data: every value derives from a seed, so subgraphs agree.

Design (the gateways under comparison may legitimately fetch a shared field from different
subgraphs, so every subgraph must give the same answer for it):

- **Entities** have an identity ``(T, n)``: concrete type ``T``, integer ``n`` in ``0..49``
  (small, so the same entity shows up more than once and representation dedup is exercised).
  Their seed is ``"T:n"``, independent of the path that reached them. Key fields derive from
  the identity alone: String/ID → ``"T:n"``, Int → ``n``, Float → ``n``, nested key objects
  likewise. So any representation, even one with an interface's ``__typename``
  (``@interfaceObject``), reveals the concrete type, and ``_entities`` parses the identity back
  from the first ``"T:n"`` string of a representation (or an Int key with the representation's
  own ``__typename``). Representations it cannot parse, or of a type the subgraph does not
  define, answer null.
- **Value types**: seed = parent seed + ``"." + field`` (+ canonical arguments) (+ ``[i]`` for
  list items); aliases never enter a seed.
- **Abstract positions** (union or interface in the SUPERGRAPH, whatever the serving subgraph
  calls the field's type): the concrete type is picked by the seed from the supergraph's
  possible types, @inaccessible ones included (so that case is exercised). Where the serving
  subgraph cannot return that type, it falls back to the type picked by the same seed among
  the possible types it knows, in name order (a real subgraph can only return types it has).
- **Scalars** come from blake2b of the seed; enums pick from the serving subgraph's own values;
  lists have 0-3 items; a field is null for one seed in eight where every subgraph declares it
  nullable (never for key fields).
- **@requires**: the value's seed also holds the required fields' values as the representation
  carried them (``__typename`` dropped, a missing value marked), so a missing or wrong required
  value changes the answer. **@fromContext** arguments are arguments: they enter the seed.
- **@external** fields resolve only where the subgraph may resolve them: key fields, fields
  under a ``@provides`` of the parent field (same seed, so the same value as the owner), and
  required fields carried by the representation. Any other external field answers null: a
  gateway that asks a subgraph for a field it does not own gets a visibly different answer.
- Mutation fields are stateless: a mutation's answer is derived like a query's.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Obj", "canonical", "digest", "parse_identity", "pick"]

ENTITY_RANGE = 50
_IDENTITY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(\d+)$")


def digest(*parts: str) -> int:
    """A stable 64-bit hash (never Python's ``hash``, which is salted per process)."""
    data = "\x1f".join(parts).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def pick(seed: str, salt: str, count: int) -> int:
    return digest(seed, salt) % count


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def parse_identity(representation: Any, typename: str) -> tuple[str, int] | None:
    """The identity a representation carries: the first ``"T:n"`` string in its key fields
    (depth first, in key order), else the first Int with the representation's ``__typename``."""
    strings: list[tuple[str, int]] = []
    ints: list[int] = []
    _scan(representation, strings, ints)
    if strings:
        return strings[0]
    if ints:
        return typename, ints[0]
    return None


def _scan(value: Any, strings: list[tuple[str, int]], ints: list[int]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "__typename":
                _scan(item, strings, ints)
    elif isinstance(value, list):
        for item in value:
            _scan(item, strings, ints)
    elif isinstance(value, str):
        match = _IDENTITY.match(value)
        if match:
            strings.append((match.group(1), int(match.group(2))))
    elif isinstance(value, int) and not isinstance(value, bool):
        ints.append(value)


@dataclass(frozen=True, slots=True)
class Obj:
    """An object a subgraph resolver returns.

    ``concrete``: the supergraph's concrete type; ``gtype``: the type the serving subgraph
    presents it as (differs for @interfaceObject and for concrete fallbacks); ``identity``:
    set for entities and for the key objects nested under them; ``key_tree``: which fields
    are key fields here; ``provided``: the @provides tree covering this object (None: none);
    ``rep``: the representation this object came from (``_entities`` only).
    """

    concrete: str
    gtype: str
    seed: str
    identity: tuple[str, int] | None = None
    key_tree: dict[str, Any] | None = None
    provided: dict[str, Any] | None = None
    rep: dict[str, Any] | None = None
