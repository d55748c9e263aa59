"""Deep merge of subgraph data into the response tree."""

from __future__ import annotations

from typing import Any

__all__ = ["deep_merge", "leaves_only"]


def deep_merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Merge ``source`` into ``target`` in place: objects key by key, lists item by item.

    Anything else (scalars, nulls, lists of a different length) is replaced by ``source``'s
    value, since the later fetch is the one that saw the data.
    """
    for key, value in source.items():
        current = target.get(key)
        if current is None:
            target[key] = value
        elif isinstance(current, dict) and isinstance(value, dict):
            deep_merge(current, value)
        elif isinstance(current, list) and isinstance(value, list) and len(current) == len(value):
            _merge_lists(current, value)
        else:
            target[key] = value


def _merge_lists(target: list[Any], source: list[Any]) -> None:
    for i, value in enumerate(source):
        current = target[i]
        if isinstance(current, dict) and isinstance(value, dict):
            deep_merge(current, value)
        elif isinstance(current, list) and isinstance(value, list) and len(current) == len(value):
            _merge_lists(current, value)
        else:
            target[i] = value


def leaves_only(source: dict[str, Any]) -> bool:
    """Whether ``source`` holds no object or list: then ``deep_merge(target, source)`` sets
    each of its keys, as ``target.update(source)`` does."""
    for value in source.values():  # noqa: SIM110 (a loop: no generator made per entity)
        if isinstance(value, _CONTAINERS):
            return False
    return True


_CONTAINERS = (dict, list)  # a constant: ``dict | list`` would make a union per test
