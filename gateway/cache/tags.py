"""``@cacheTag(format:)`` rendered for one cache entry: ``{$key.<path>}`` reads the entity's
key, ``{$args.<path>}`` a root field's arguments (literals or the request's variables). A
format naming a value the entry does not have gives no tag (the entry can still be
invalidated by subgraph, type or entity)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from graphql import ArgumentNode, value_from_ast_untyped

from .analysis import RootField

__all__ = ["entity_tags", "render", "root_tags"]

_PLACEHOLDER = re.compile(r"\{\$(key|args)((?:\.[_A-Za-z][_0-9A-Za-z]*)+)\}")
_MISSING: Any = object()


def render(
    format_: str, key: Mapping[str, Any] | None, args: Mapping[str, Any] | None
) -> str | None:
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        source = key if match.group(1) == "key" else args
        current: Any = source if source is not None else _MISSING
        for name in match.group(2).split(".")[1:]:
            current = current.get(name, _MISSING) if isinstance(current, Mapping) else _MISSING
        if current is _MISSING or current is None or isinstance(current, dict | list):
            missing = True
            return ""
        if isinstance(current, bool):
            return "true" if current else "false"
        return str(current)

    rendered = _PLACEHOLDER.sub(value, format_)
    return None if missing else rendered


def entity_tags(formats: Sequence[str], key: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(t for f in formats if (t := render(f, key, None)) is not None)


def root_tags(
    formats: Mapping[str, Sequence[str]],
    fields: Sequence[RootField],
    variables: Mapping[str, Any],
) -> tuple[str, ...]:
    """The tags of a root fetch: each root field's formats with its arguments."""
    out: list[str] = []
    for root in fields:
        for format_ in formats.get(root.name, ()):
            tag = render(format_, None, _arguments(root.arguments, variables))
            if tag is not None:
                out.append(tag)
    return tuple(out)


def _arguments(arguments: Sequence[ArgumentNode], variables: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(variables)
    return {a.name.value: value_from_ast_untyped(a.value, values) for a in arguments}
