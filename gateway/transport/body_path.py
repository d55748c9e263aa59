"""Apollo Router's ``insert: {name, path, default}`` header rule: a value from the client's
GraphQL request body by a JSON path such as ``.extensions.metadata[0].app_name``.

Paths are parsed once, at config time (``parse_path``); a request's body is kept in its
context's scratch space (``REQUEST_BODY``) only when some rule has a ``path``, so without
such a rule nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson

from gateway.context import ScratchKey

__all__ = ["REQUEST_BODY", "body_value", "parse_path"]

# the GraphQL request (query, operationName, variables, extensions) as the client sent it, or
# as a plugin or coprocessor changed it
REQUEST_BODY: ScratchKey[Mapping[str, Any]] = ScratchKey("request body")

_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[\"([^\"]*)\"\]|\['([^']*)'\]")


def parse_path(text: str) -> tuple[str | int, ...]:
    """``.a.b[0]["c d"]`` (a leading ``$`` is allowed) as steps; ``ValueError`` otherwise."""
    rest = text[1:] if text.startswith("$") else text
    if not rest.startswith((".", "[")):
        raise ValueError("a JSON path starts with a period, such as .operationName")
    steps: list[str | int] = []
    position = 0
    while position < len(rest):
        match = _STEP.match(rest, position)
        if match is None:
            raise ValueError(f"cannot read the JSON path at {rest[position:]!r}")
        name, index, quoted, single = match.groups()
        if index is not None:
            steps.append(int(index))
        else:
            steps.append(next(s for s in (name, quoted, single) if s is not None))
        position = match.end()
    return tuple(steps)


def body_value(body: Mapping[str, Any] | None, path: tuple[str | int, ...]) -> str | None:
    """The value at ``path``: a string as it is, anything else as JSON text; ``None`` when
    the body has nothing (or ``null``) there."""
    found: Any = body
    for step in path:
        in_list = isinstance(step, int) and isinstance(found, list) and step < len(found)
        if not in_list and not (isinstance(found, Mapping) and step in found):
            return None
        found = found[step]
    if found is None:
        return None
    return found if isinstance(found, str) else orjson.dumps(found).decode()
