"""Python source generated per entity fetch: the loop that turns the objects at the fetch's
path into its deduplicated representations and, for each, the objects that asked for it.

Why generated: this loop runs once per object of every entity fetch (hundreds per heavy
request), and the generic one pays per object for the builder's indirections (the key
getter, the key tuple and its hash, the builder call). For the usual selection (one entity
type, its key fields as leaves: ``... on Product { __typename upc }``) the generated loop
reads each key field inline, looks its value up in one dict (a tuple only for a compound
key: no allocation per object otherwise), and builds a new representation as one dict
display. It also walks the values at the path's end directly (lists in lists flattened as
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

__all__ = ["Filler", "dedupe_key", "filler", "generate"]

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
    key = dedupe_key(rep)
    i = index.get(key)
    if i is None:
        i = index[key] = len(reps)
        reps.append(rep)
        typenames.append(typename if isinstance(typename, str) else None)
        owners.append([obj])
    else:
        owners[i].append(obj)
    if fast is not None:
        other[fast] = i


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
        "UNSEEN": _UNSEEN,
    }
    args = "reps, typenames, owners, index, seen, other"
    slow = f"one(builder, rewrites, matcher, obj, {args.replace('seen, ', '')})"
    reads = []
    for i, (_, key, _) in enumerate(fields):
        source = "t" if key == "__typename" else f"obj[{key!r}]"
        reads.append(f"                v{i} = {source}")
    # the fast key: the key field values (``t`` equals the condition here, a constant); one
    # field's value is the key itself, no tuple made per object
    varying = [f"v{i}" for i, (_, key, _) in enumerate(fields) if key != "__typename"]
    values = varying[0] if len(varying) == 1 else "(" + "".join(f"{v}, " for v in varying) + ")"
    body = [
        f"def fill(values, {args}):",
        "    for obj in values:",
        "        if type(obj) is not dict:",
        "            if type(obj) is list:",
        f"                fill(obj, {args})",
        "            continue",
        "        t = obj.get('__typename')",
        f"        if t == {cond!r}:",
        "            try:",
        *reads,
        f"                fast = {values}",
        "                known = seen.get(fast, UNSEEN)",
        "            except (KeyError, TypeError):",
        f"                {slow}",
        "                continue",
        "            if known is not UNSEEN:",
        "                if known is not None:",
        "                    owners[known].append(obj)",
        "                continue",
    ]
    # a null where the schema does not allow it, or nothing but __typename: no representation
    nulls = [f"v{i} is None" for i, (_, _, null_ok) in enumerate(fields) if not null_ok]
    if not identifies:
        nulls = ["True"]
    if nulls:
        body += [
            f"            if {' or '.join(nulls)}:",
            "                seen[fast] = None",
            "                continue",
        ]
    # the dict display keeps the last of a repeated name, as the loop's stores did
    last = {name: i for i, name in enumerate(names)}
    display = ", ".join(f"{name!r}: v{i}" for name, i in last.items())
    body.append(f"            rep = {{{display}}}")
    typename = f"v{last['__typename']}" if "__typename" in last else "None"
    body.append(f"            typename = {typename}")
    if rewrites:
        body += ["            setters([rep], rewrites, matcher)", "            key = dedupe(rep)"]
    else:  # the values hashed already (``fast``): the items tuple is the key
        items = "".join(f"({name!r}, v{i}), " for name, i in last.items())
        body.append(f"            key = ({items})")
    body += [
        "            i = index.get(key)",
        "            if i is None:",
        "                i = index[key] = len(reps)",
        "                reps.append(rep)",
        "                typenames.append(typename if isinstance(typename, str) else None)",
        "                owners.append([obj])",
        "            else:",
        "                owners[i].append(obj)",
        "            seen[fast] = i",
        "        else:",
        f"            {slow}",
    ]
    exec(_SOURCES.fresh("\n".join(body) + "\n"), namespace)
    fill: Filler = namespace["fill"]
    return fill


# Compiled sources, by text (the same selection compiles once), bounded
_SOURCES = SourceCache("<fedgate representations>", 1024)
