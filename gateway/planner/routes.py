"""Ways into a type on another subgraph (entity jumps), and how we pick one.

A route enters ``entry_type`` on ``graph`` through ``key``. The entry type is the type itself,
or an interface it implements that ``graph`` declares with ``@interfaceObject`` (the
representation then carries the interface name as ``__typename``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .context_args import context_arguments
from .fieldset import FieldSet
from .metadata import Metadata
from .operation import Field, Fragment, Selection

__all__ = ["Route", "candidate_routes", "fields_of", "provided_field"]


@dataclass(frozen=True, slots=True)
class Route:
    graph: str
    key: FieldSet
    entry_type: str
    requires: FieldSet | None


def candidate_routes(
    meta: Metadata,
    type_name: str,
    sel: Field | Fragment,
    here: str,
    key_is_local: Callable[[FieldSet], bool],
    existing: Callable[[str], bool],
    avoid: frozenset[str] = frozenset(),
) -> Route | None:
    """The best route for ``sel`` on ``type_name`` out of subgraph ``here``, or None."""
    best: tuple[tuple[int, ...], Route] | None = None
    for order, (graph, entry) in enumerate(_targets(meta, type_name, sel, here)):
        requires = (
            meta.requires(entry, sel.name, graph)
            if isinstance(sel, Field) and sel.name != "__typename"
            else None
        )
        if graph in avoid or (
            graph == here
            and requires is None
            and entry == type_name
            # a field with @fromContext arguments may need a fetch of its own in this subgraph
            and not (isinstance(sel, Field) and context_arguments(meta, entry, sel.name, graph))
        ):
            continue
        for key_text in meta.keys(entry, graph):
            key = meta.field_set(entry, key_text)
            local = key_is_local(key)
            if not local and _key_only_behind(meta, entry, key, graph, here):
                continue  # its key can only be had in `graph` itself: no way in from here
            score = (
                0 if local else 1,
                0 if existing(graph) else 1,
                0 if requires is None else 1,
                _misses(meta, graph, entry, sel),
                order,
            )
            if best is None or score < best[0]:
                best = (score, Route(graph, key, entry, requires))
    return None if best is None else best[1]


def _key_only_behind(meta: Metadata, t: str, key: FieldSet, graph: str, here: str) -> bool:
    """Are the key fields ``here`` lacks resolvable in ``graph`` only (the target of the jump
    itself, e.g. an @external ``id`` the other subgraph owns)? Then the jump cannot be made
    from here: fetching its key would need the very same jump (escalate instead)."""
    missing = [n for n in key.top_level_names() if not meta.resolvable(t, n, here)]
    return bool(missing) and all(set(meta.field_graphs(t, n)) <= {graph} for n in missing)


def _targets(
    meta: Metadata, type_name: str, sel: Field | Fragment, here: str
) -> Iterator[tuple[str, str]]:
    if isinstance(sel, Fragment) or sel.name == "__typename":
        # Only a subgraph that knows the object types behind an interface can say which one an
        # object is, or resolve fragments on them.
        for graph in meta.graph_names:
            if meta.in_graph(type_name, graph) and not meta.is_interface_object(type_name, graph):
                yield graph, type_name
        return
    for graph in meta.field_graphs(type_name, sel.name):
        yield graph, type_name
    t = meta.types.get(type_name)
    if t is None or t.kind != "OBJECT":
        return
    for iface in t.interfaces:
        for graph in meta.field_graphs(iface, sel.name):
            if meta.is_interface_object(iface, graph):
                yield graph, iface


def _misses(meta: Metadata, graph: str, type_name: str, sel: Field | Fragment) -> int:
    """How many fields of the selection's subtree ``graph`` cannot resolve itself (each would
    cost a further jump): the cheap cost that ranks the candidates. Fields the candidate
    field @provides count as resolved."""
    if isinstance(sel, Fragment):
        return 0
    definition = meta.field(type_name, sel.name)
    if definition is None:
        return 0
    fs = meta.provides(type_name, sel.name, graph)
    provided = fs.selections if fs is not None else None
    return _subtree_misses(meta, graph, definition.type.named, sel.selections, provided)


def _subtree_misses(
    meta: Metadata,
    graph: str,
    type_name: str,
    sels: tuple[Selection, ...],
    provided: tuple[Selection, ...] | None,
) -> int:
    misses = 0
    for s in sels:
        if isinstance(s, Fragment):
            tc = s.type_condition or type_name
            if not meta.in_graph(tc, graph):
                # a type the subgraph does not know is never an object it returns: the
                # fragment selects nothing there (it is pruned for it), so it costs no jump
                # (a field typed `Book` there is not worse for `... on Song { length }`)
                continue
            misses += _subtree_misses(meta, graph, tc, s.selections, provided)
        elif s.name != "__typename":
            given = provided_field(provided, type_name, s.name, meta)
            if given is None and not meta.resolvable(type_name, s.name, graph):
                misses += 1
            elif s.selections:
                definition = meta.field(type_name, s.name)
                if definition is not None:
                    if given is not None:
                        sub: tuple[Selection, ...] | None = given.selections
                    else:
                        fs = meta.provides(type_name, s.name, graph)
                        sub = fs.selections if fs is not None else None
                    misses += _subtree_misses(meta, graph, definition.type.named, s.selections, sub)
    return misses


def provided_field(
    provided: tuple[Selection, ...] | None, type_name: str, name: str, meta: Metadata
) -> Field | None:
    if provided is None:
        return None
    for s in provided:
        if isinstance(s, Field):
            if s.name == name:
                return s
        elif s.type_condition is None or type_name in meta.possible_types(s.type_condition):
            found = provided_field(s.selections, type_name, name, meta)
            if found is not None:
                return found
    return None


def fields_of(sels: tuple[Selection, ...]) -> Iterator[Field]:
    for s in sels:
        if isinstance(s, Field):
            yield s
        else:
            yield from fields_of(s.selections)
