"""``@fromContext`` values at execution: read each entity object's context values from the
response data (``Fetch.context_rewrites``), group the representations by those values, and
build the operation that sends each group in an ``_entities`` call of its own.

Objects with different context values cannot share one ``_entities`` call: the value is a
variable of the whole call. As Apollo Router does, each distinct set of values gets its own
``_entities`` selection (aliased ``_<i>``, representations ``$r<i>``, values ``$<var>_<i>``) in
one request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from gateway.planner.plan import Fetch, KeyRenamer

from .representations import RepBuilder, apply_value_setters
from .typematch import TypeMatcher

__all__ = ["ContextGroup", "group_by_context", "grouped_operation"]

_ON = "... on "
_MARK = "_entities(representations:$representations)"
_Located = tuple[dict[str, Any], tuple[dict[str, Any], ...]]


@dataclass(slots=True)
class ContextGroup:
    """The representations that share one set of context values (deduplicated), with the
    objects each was built from and its ``__typename`` before input rewrites."""

    values: dict[str, Any]
    reps: list[dict[str, Any]] = field(default_factory=list)
    typenames: list[str | None] = field(default_factory=list)
    owners: list[list[dict[str, Any]]] = field(default_factory=list)
    index: dict[bytes, int] = field(default_factory=dict)


def group_by_context(
    data: Any, path: Sequence[str], fetch: Fetch, builder: RepBuilder, matcher: TypeMatcher
) -> list[ContextGroup]:
    """The representations of the objects at ``path`` grouped by their context values, in
    the order the values first appear."""
    groups: dict[bytes, ContextGroup] = {}
    for located in collect_with_ancestors(data, path, matcher):
        obj = located[0]
        rep = builder.build(obj)
        if rep is None:
            continue
        typename = rep.get("__typename")
        if fetch.input_rewrites:
            apply_value_setters([rep], fetch.input_rewrites, matcher)
        values = context_values(located, fetch, matcher)
        vkey = _canonical(values)
        group = groups.get(vkey)
        if group is None:
            group = groups[vkey] = ContextGroup(values)
        key = _canonical(rep)
        i = group.index.get(key)
        if i is None:
            group.index[key] = len(group.reps)
            group.reps.append(rep)
            group.typenames.append(typename if isinstance(typename, str) else None)
            group.owners.append([obj])
        else:
            group.owners[i].append(obj)
    return list(groups.values())


def collect_with_ancestors(data: Any, path: Sequence[str], matcher: TypeMatcher) -> list[_Located]:
    """The objects at ``path``, each with the objects above it (outermost first; list items
    have the ancestors of their list)."""
    current: list[tuple[Any, tuple[dict[str, Any], ...]]] = [(data, ())]
    for element in path:
        found: list[tuple[Any, tuple[dict[str, Any], ...]]] = []
        if element == "@":
            for value, above in current:
                if isinstance(value, list):
                    found.extend((v, above) for v in value)
        elif element.startswith(_ON):
            cond = element[len(_ON) :]
            found = [
                (v, above)
                for v, above in current
                if isinstance(v, dict) and matcher.matches(v.get("__typename"), cond)
            ]
        else:
            for value, above in current:
                if isinstance(value, dict) and value.get(element) is not None:
                    found.append((value[element], (*above, value)))
        current = found
    out: list[_Located] = []
    _flatten(current, out)
    return out


def _flatten(values: list[tuple[Any, tuple[dict[str, Any], ...]]], out: list[_Located]) -> None:
    for value, above in values:
        if isinstance(value, dict):
            out.append((value, above))
        elif isinstance(value, list):
            _flatten([(v, above) for v in value], out)


def context_values(located: _Located, fetch: Fetch, matcher: TypeMatcher) -> dict[str, Any]:
    """Each context variable's value for one object: the first rewrite that finds one (one
    per type the ancestor may have); null where none does (no ancestor, or a null field)."""
    values: dict[str, Any] = {var: None for var, _ in fetch.context_variables}
    done: set[str] = set()
    for rw in fetch.context_rewrites:
        if rw.rename_key_to in done:
            continue
        found, value = _read(located, rw, matcher)
        if found:
            values[rw.rename_key_to] = value
            done.add(rw.rename_key_to)
    return values


def _read(located: _Located, rw: KeyRenamer, matcher: TypeMatcher) -> tuple[bool, Any]:
    node: Any = located[0]
    above = located[1]
    for element in rw.path:
        if element == "..":
            if not above:
                return False, None
            node, above = above[-1], above[:-1]
        elif element.startswith(_ON):
            if not matcher.matches(node.get("__typename"), element[len(_ON) :]):
                return False, None
        elif isinstance(node, dict) and element in node:
            node, above = node[element], (*above, node)
        else:
            return False, None
    return True, node


def _canonical(value: dict[str, Any]) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def grouped_operation(fetch: Fetch, count: int) -> str:
    """``fetch.operation`` with its ``_entities`` selection once per group of values."""
    text = fetch.operation
    start = text.index(_MARK)
    head, selection = text[:start], text[start + len(_MARK) : -1]
    opening = head.index("(")
    # build_plan writes $representations first and the context variables last
    inner = head[opening + 1 : head.rindex(")")].removeprefix("$representations:[_Any!]!")
    own = "".join(f",${v}:{t}" for v, t in fetch.context_variables)
    client = inner.removesuffix(own).lstrip(",")
    defs = [f"$r{i}:[_Any!]!" for i in range(count)] + ([client] if client else [])
    parts = []
    for i in range(count):
        defs += [f"${v}_{i}:{t}" for v, t in fetch.context_variables]
        names = "|".join(re.escape(v) for v, _ in fetch.context_variables)
        renamed = re.sub(rf"\$({names})\b", rf"$\g<1>_{i}", selection)
        parts.append(f"_{i}:_entities(representations:$r{i}){renamed}")
    return f"{head[:opening]}({','.join(defs)}){{{' '.join(parts)}}}"
