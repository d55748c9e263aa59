"""Federation facts the planner asks about, precomputed from the supergraph model.

Answers "is type T in subgraph G", "can G resolve T.f", "which keys can enter T in G",
"which object types can G return for abstract T". Pure lookups, built once per supergraph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from ..supergraph.model import FieldDef, JoinField, Supergraph, TypeDef
from .fieldset import FieldSet, parse_field_set
from .override import join_in_force

__all__ = ["Metadata"]


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _memo(method: Callable[Concatenate[Any, _P], _R]) -> Callable[Concatenate[Any, _P], _R]:
    """``functools.cache`` kept on the instance: it dies with its ``Metadata``. A class-level
    cache held every Metadata ever made, and with it its supergraph: each hot reload (and each
    override-label set) leaked one."""
    slot = "_memo_" + method.__name__

    def cached(self: Any, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        table: dict[Any, _R] | None = self.__dict__.get(slot)
        if table is None:
            table = self.__dict__[slot] = {}
        key = (args, tuple(kwargs.items())) if kwargs else args
        try:
            return table[key]
        except KeyError:
            value = table[key] = method(self, *args, **kwargs)
            return value

    cached.__doc__ = method.__doc__
    return cached


class Metadata:
    def __init__(self, supergraph: Supergraph, labels: frozenset[str] = frozenset()) -> None:
        """``labels``: the progressive @override labels in force (see ``override.py``)."""
        self.supergraph = supergraph
        self.labels = labels
        self.types = supergraph.types
        self.graph_names = tuple(supergraph.graphs)

    def type(self, name: str) -> TypeDef:
        return self.types[name]

    def is_abstract(self, name: str) -> bool:
        t = self.types.get(name)
        return t is not None and t.kind in ("INTERFACE", "UNION")

    def is_composite(self, name: str) -> bool:
        t = self.types.get(name)
        return t is not None and t.kind in ("OBJECT", "INTERFACE", "UNION")

    @_memo
    def type_graphs(self, name: str) -> frozenset[str]:
        t = self.types.get(name)
        if t is None or not t.joins:
            return frozenset(self.graph_names)
        return frozenset(j.graph for j in t.joins)

    def in_graph(self, name: str, graph: str) -> bool:
        return graph in self.type_graphs(name)

    @_memo
    def is_entity(self, name: str) -> bool:
        """A type some subgraph can be entered at through a resolvable key."""
        t = self.types.get(name)
        return t is not None and any(j.key and j.resolvable for j in t.joins)

    def is_interface_object(self, name: str, graph: str) -> bool:
        t = self.types.get(name)
        return t is not None and any(j.graph == graph and j.is_interface_object for j in t.joins)

    @_memo
    def context_argument_numbers(self) -> dict[tuple[str, str, str, str], str]:
        """(subgraph, type, field, argument) → the number in its ``@fromContext`` variable
        name (``context_args.argument_numbers``), computed once per supergraph."""
        from .context_args import argument_numbers  # it imports this module

        return argument_numbers(self)

    def field(self, type_name: str, field_name: str) -> FieldDef | None:
        t = self.types.get(type_name)
        return None if t is None else t.fields.get(field_name)

    def _join(self, type_name: str, field_name: str, graph: str) -> JoinField | None:
        f = self.field(type_name, field_name)
        if f is None:
            return None
        for j in f.joins:
            if j.graph == graph:
                return j
        return None

    @_memo
    def field_graphs(self, type_name: str, field_name: str) -> tuple[str, ...]:
        """Subgraphs that can resolve ``type_name.field_name`` (in supergraph order)."""
        f = self.field(type_name, field_name)
        if f is None:
            return ()
        joins = [j for j in f.joins if j.graph is not None]
        if not f.joins:
            return tuple(g for g in self.graph_names if g in self.type_graphs(type_name))
        first: dict[str | None, JoinField] = {}
        for join in joins:
            first.setdefault(join.graph, join)
        out = []
        for g in self.graph_names:
            j = first.get(g)  # the subgraph's first join (a scan per subgraph was O(graphs²))
            if j is None:
                continue
            if not join_in_force(j, self.labels):
                # a key field an active override label moved away is still the old owner's key
                if self.is_key_field(type_name, field_name, g):
                    out.append(g)
                continue
            # an @external field (a key field too) is another subgraph's to resolve: a subgraph
            # returning the object cannot say its value (its representations carry it in)
            if not j.external and not j.used_overridden:
                out.append(g)
        return tuple(out)

    def resolvable(self, type_name: str, field_name: str, graph: str) -> bool:
        return graph in self.field_graphs(type_name, field_name)

    def requires(self, type_name: str, field_name: str, graph: str) -> FieldSet | None:
        j = self._join(type_name, field_name, graph)
        if j is None or not j.requires:
            return None
        return self.field_set(type_name, j.requires)

    def provides(self, type_name: str, field_name: str, graph: str) -> FieldSet | None:
        j = self._join(type_name, field_name, graph)
        f = self.field(type_name, field_name)
        if j is None or not j.provides or f is None:
            return None
        return self.field_set(f.type.named, j.provides)

    def field_type_text(self, type_name: str, field_name: str, graph: str) -> str:
        """The field's type as the subgraph declares it (``join__field(type:)``)."""
        j = self._join(type_name, field_name, graph)
        if j is not None and j.type:
            return j.type
        f = self.field(type_name, field_name)
        return f.type.text if f is not None else ""

    def field_type_name(self, type_name: str, field_name: str, graph: str) -> str:
        """The named type of the field as the subgraph declares it: a field that is a union or
        an interface in the supergraph may be one of its object types in the subgraph serving
        it, and fragments on the other types must not reach that subgraph."""
        return "".join(
            c for c in self.field_type_text(type_name, field_name, graph) if c not in "[]! "
        )

    @_memo
    def keys(self, type_name: str, graph: str, *, resolvable_only: bool = True) -> tuple[str, ...]:
        t = self.types.get(type_name)
        if t is None:
            return ()
        return tuple(
            j.key
            for j in t.joins
            if j.graph == graph and j.key and (j.resolvable or not resolvable_only)
        )

    @_memo
    def is_key_field(self, type_name: str, field_name: str, graph: str) -> bool:
        for key in self.keys(type_name, graph, resolvable_only=False):
            if field_name in self.field_set(type_name, key).top_level_names():
                return True
        return False

    @_memo
    def field_set(self, type_name: str, text: str) -> FieldSet:
        return parse_field_set(type_name, text)

    @_memo
    def possible_types(self, type_name: str, graph: str | None = None) -> tuple[str, ...]:
        """Object types a value of ``type_name`` can have (as ``graph`` knows them)."""
        t = self.types.get(type_name)
        if t is None:
            return ()
        if t.kind == "OBJECT":
            return (type_name,) if graph is None or self.in_graph(type_name, graph) else ()
        if t.kind == "UNION":
            candidates = [
                m for m, gs in t.members.items() if graph is None or gs is None or graph in gs
            ]
        elif t.kind == "INTERFACE":
            candidates = [
                o
                for o in self.supergraph.implementations.get(type_name, ())
                if graph is None or self._implements_in(o, type_name, graph)
            ]
        else:
            return ()
        return tuple(sorted(c for c in candidates if graph is None or self.in_graph(c, graph)))

    def _implements_in(self, obj: str, iface: str, graph: str) -> bool:
        graphs = self.types[obj].interfaces.get(iface)
        return graphs is None or graph in graphs

    @_memo
    def shared_runtime_types(self, parent: str, field_name: str) -> frozenset[str] | None:
        """The object types an abstract field several subgraphs resolve may have: only those
        every one of them can return. A shareable field answers the same from any subgraph,
        so a member one of them lacks is never its value (Apollo's and Hive's planners
        intersect the same way; docs/decisions/0013-partial-unions.md). None: one subgraph,
        or not abstract."""
        definition = self.field(parent, field_name)
        graphs = self.field_graphs(parent, field_name)
        if definition is None or len(graphs) < 2 or not self.is_abstract(definition.type.named):
            return None
        sets: list[frozenset[str]] = []
        for graph in graphs:
            declared = _named(self.field_type_text(parent, field_name, graph))
            if self.is_interface_object(declared, graph):
                continue  # it knows no object types behind the interface: no say in it
            sets.append(frozenset(self.possible_types(declared, graph)))
        return frozenset.intersection(*sets) if sets else None

    def runtime_types(self, type_name: str, graph: str) -> tuple[str, ...]:
        """Object types that ``graph`` may return where the schema says ``type_name``."""
        return self.possible_types(type_name, graph)


def _named(type_text: str) -> str:
    return type_text.strip("[]!")
