"""Python source generated per entity fetch: the loop that turns the objects at the fetch's
path into its deduplicated representations and, for each, the objects that asked for it.

Why generated: this loop runs once per object of every entity fetch (hundreds per heavy
request), and the generic one pays per object for the builder's indirections (the key
getter, the key tuple and its hash, the builder call). For the usual selection (one entity
type, its key fields as leaves: ``... on Product { __typename upc }``) the generated loop
reads each key field inline, looks its value up in one dict (a tuple only for a compound
key: no allocation per object otherwise), and builds a new representation as one dict
display. Most objects repeat a representation seen already: ``seen`` maps their key
field values to the ``append`` of that representation's owners, so they cost one lookup and
one call. It also walks the values at the path's end directly (lists in lists flattened as
``collect_object_list`` does), without copying them into a list first. Objects outside that
case (another type, a key field missing, an unhashable value) take ``one``: the generic
per-object step, with the same result as before.

The source holds only ``repr()`` literals of the selection's type name and field names
(GraphQL names) and names bound in the function's namespace: nothing from the data.
Generated once per fetch when its plan is compiled; the same source compiles once
(``_SOURCES``, bounded).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson

from gateway.planner.plan import FetchRewrite

from .representations import RepBuilder, apply_value_setters, flatten_list
from .source_cache import SourceCache
from .typematch import TypeMatcher

__all__ = ["Filler", "add", "dedupe_key", "filler", "generate"]

# fill(values, reps, typenames, owners, index, seen, other): appends to the first three
Filler = Callable[..., None]
_UNSEEN: Any = object()


def dedupe_key(rep: dict[str, Any]) -> Any:
    """Equal representations, equal keys. Flat ones (the usual ``__typename`` + scalar keys)
    key by their items; nested ones by canonical JSON."""
    items = tuple(rep.items())
    try:
        hash(items)
    except TypeError:
        return orjson.dumps(rep, option=orjson.OPT_SORT_KEYS)
    return items


def one(
    builder: RepBuilder,
    rewrites: Sequence[FetchRewrite],
    matcher: TypeMatcher,
    obj: dict[str, Any],
    reps: list[dict[str, Any]],
    typenames: list[str | None],
    owners: list[list[dict[str, Any]]],
    index: dict[Any, int],
    other: dict[Any, int | None],
) -> None:
    """One object, the generic way (``builder.flat_key`` remembers representations seen;
    ``other``: its keys, flat key → representation index, None for no representation)."""
    fast = builder.flat_key(obj)
    if fast is not None:
        known = other.get(fast, _UNSEEN)
        if known is None:
            return
        if known is not _UNSEEN:
            owners[known].append(obj)
            return
    rep = builder.build(obj)
    if rep is None:
        if fast is not None:
            other[fast] = None
        return
    typename = rep.get("__typename")
    if rewrites:
        apply_value_setters([rep], rewrites, matcher)
    i = add(rep, dedupe_key(rep), typename, obj, reps, typenames, owners, index)
    if fast is not None:
        other[fast] = i


def add(
    rep: dict[str, Any],
    key: Any,
    typename: Any,
    obj: dict[str, Any],
    reps: list[dict[str, Any]],
    typenames: list[str | None],
    owners: list[list[dict[str, Any]]],
    index: dict[Any, int],
) -> int:
    """``obj`` asks for ``rep`` (dedupe key ``key``): a new representation, or the owners of
    the equal one built already; its index."""
    i = index.get(key)
    if i is None:
        i = index[key] = len(reps)
        reps.append(rep)
        typenames.append(typename if isinstance(typename, str) else None)
        owners.append([obj])
    else:
        owners[i].append(obj)
    return i


def filler(builder: RepBuilder, rewrites: Sequence[FetchRewrite], matcher: TypeMatcher) -> Filler:
    """An entity fetch's representation loop: generated for the usual selection, else the
    generic one."""
    return generate(builder, rewrites, matcher) or _generic(builder, rewrites, matcher)


def _generic(builder: RepBuilder, rewrites: Sequence[FetchRewrite], matcher: TypeMatcher) -> Filler:
    """``one`` per object: the loop for selections with several types or nested keys
    (``builder.flat_key`` covers the flat ones)."""

    def fill(
        values: list[Any],
        reps: list[dict[str, Any]],
        typenames: list[str | None],
        owners: list[list[dict[str, Any]]],
        index: dict[Any, int],
        seen: dict[Any, int | None],
        other: dict[Any, int | None],
    ) -> None:
        objects: list[Any] = []
        flatten_list(values, objects)
        for obj in objects:
            one(builder, rewrites, matcher, obj, reps, typenames, owners, index, other)

    return fill


def generate(
    builder: RepBuilder, rewrites: Sequence[FetchRewrite], matcher: TypeMatcher
) -> Filler | None:
    """The representation loop of one entity fetch (see the module docstring); None when
    its selection is not the usual one-type flat form (the generic loop serves it)."""
    single = builder.single_fields
    if single is None:
        return None
    cond, fields = single
    names = [name for name, _, _ in fields]
    identifies = len(set(names)) > 1 or names[0] != "__typename"
    namespace: dict[str, Any] = {
        "one": one,
        "builder": builder,
        "rewrites": rewrites,
        "matcher": matcher,
        "setters": apply_value_setters,
        "dedupe": dedupe_key,
    }
    args = "reps, typenames, owners, index, seen, other"
    slow = f"one(builder, rewrites, matcher, obj, {args.replace('seen, ', '')})"
    # ``__typename`` equals the condition here: its value is the condition's literal
    reads = [repr(cond) if key == "__typename" else f"obj[{key!r}]" for _, key, _ in fields]
    # the fast key: the key field values (one field's value is the key itself: no tuple made
    # per object); ``seen`` maps it to the ``append`` of the owners of its representation
    varying = [i for i, (_, key, _) in enumerate(fields) if key != "__typename"]
    # Each test continues the loop early: the blocks stay short, so the jumps need no
    # EXTENDED_ARG, which would keep CPython from specialising the typename compare; the
    # builtins are bound as defaults (local loads, not global ones, per object).
    body = [
        f"def fill(values, {args}, type=type, dict=dict, list=list):",
        "    for obj in values:",
        "        if type(obj) is not dict:",
        "            if type(obj) is list:",
        f"                fill(obj, {args})",
        "            continue",
        f"        if obj.get('__typename') != {cond!r}:",
        f"            {slow}",
        "            continue",
        "        try:",
        f"            add = seen.get({_key([reads[i] for i in varying])})",
        "        except (KeyError, TypeError):",
        f"            {slow}",
        "            continue",
        "        if add is not None:",  # most objects: a representation seen already
        "            add(obj)",
        "            continue",
        *(f"        v{i} = {read}" for i, read in enumerate(reads)),
        f"        fast = {_key([f'v{i}' for i in varying])}",
    ]
    # a null where the schema does not allow it, or nothing but __typename: no representation
    # (the objects with that key are collected in a list dropped with ``seen``)
    nulls = [f"v{i} is None" for i in varying if not fields[i][2]]
    if not identifies:
        nulls = ["True"]
    if nulls:
        body += [
            f"        if {' or '.join(nulls)}:",
            "            seen[fast] = [].append",
            "            continue",
        ]
    # the dict display keeps the last of a repeated name, as the loop's stores did
    last = {name: i for i, name in enumerate(names)}
    display = ", ".join(f"{name!r}: v{i}" for name, i in last.items())
    body.append(f"        rep = {{{display}}}")
    typename = f"v{last['__typename']}" if "__typename" in last else "None"
    body.append(f"        typename = {typename}")
    if rewrites:
        body += ["        setters([rep], rewrites, matcher)", "        key = dedupe(rep)"]
    else:  # the values hashed already (``fast``): the items tuple is the key
        items = "".join(f"({name!r}, v{i}), " for name, i in last.items())
        body.append(f"        key = ({items})")
    body += [
        "        i = index.get(key)",
        "        if i is None:",
        "            index[key] = len(reps)",
        "            reps.append(rep)",
        "            typenames.append(typename if isinstance(typename, str) else None)",
        "            group = [obj]",
        "            owners.append(group)",
        "        else:",
        "            group = owners[i]",
        "            group.append(obj)",
        "        seen[fast] = group.append",
    ]
    exec(_SOURCES.fresh("\n".join(body) + "\n"), namespace)
    fill: Filler = namespace["fill"]
    return fill


def _key(values: list[str]) -> str:
    """The source of the fast key of the values ``values`` (expressions)."""
    return values[0] if len(values) == 1 else "(" + "".join(f"{v}, " for v in values) + ")"


# Compiled sources, by text (the same selection compiles once), bounded
_SOURCES = SourceCache("<fedgate representations>", 1024)
