"""``@fromContext`` arguments: a field argument whose value comes from an ancestor's field.

A field ``U.field(a: ... @fromContext(field: "$ctx { prop }"))`` takes ``a`` from the nearest
ancestor, in the response path, whose type sets ``@context(name: "ctx")``. The argument is
not in the API schema: the gateway supplies it. As Apollo does, the field is always selected
in an *entity* fetch and the value goes to the subgraph as a variable
(``field(a: $contextualArgument_1_0)``); the fetch's ``context_rewrites`` say where the value
is read, relative to each entity object, in the response data already fetched (``".."``: one
object up, ``"... on T"``: only if the ancestor is a ``T``). The ancestor's field is a
requirement like a ``@requires`` field, only on an object further up: it must be fetched by a
fetch that runs before the one that passes it.

Where the current fetch is an entity fetch entered at or below the ancestor, and an earlier
fetch can select the context field itself, the field stays in the current fetch; otherwise it
is moved into an entity fetch of its own (in the same subgraph) entered at its parent object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from graphql import ArgumentNode, NameNode, VariableNode

from ..errors import PlanningError
from ..supergraph.model import ContextArgument
from .context import Ctx
from .fetch_group import FetchGroup
from .fieldset import FieldSet, parse_field_set
from .metadata import Metadata
from .operation import Field, Fragment, Selection
from .plan import KeyRenamer, ReqField, ReqFragment, ReqSelection

if TYPE_CHECKING:
    from .walker import Walker

__all__ = ["ContextPlanner", "context_arguments"]


def context_arguments(
    meta: Metadata, type_name: str, field_name: str, graph: str
) -> tuple[ContextArgument, ...]:
    f = meta.field(type_name, field_name)
    if f is None:
        return ()
    for j in f.joins:
        if j.graph == graph:
            return j.context_arguments
    return ()


def argument_numbers(meta: Metadata) -> dict[tuple[str, str, str, str], str]:
    """``<subgraph>_<argument>`` for every context argument, numbered as Apollo names its
    variables: the subgraph's place in the supergraph (from 1), then the argument's place among
    that subgraph's context arguments (by type and field name, from 0). One pass over the
    fields (a pass per subgraph cost seconds on a supergraph of 100 subgraphs and 2,000 types,
    once per plan); ``Metadata`` keeps the result."""
    place = {graph: g for g, graph in enumerate(meta.graph_names, start=1)}
    counters = dict.fromkeys(place, 0)
    numbers: dict[tuple[str, str, str, str], str] = {}
    for type_name in sorted(meta.types):
        fields = meta.types[type_name].fields
        for field_name in sorted(fields):
            seen: set[str] = set()
            for j in fields[field_name].joins:
                graph = j.graph
                if graph is None or graph in seen or graph not in place:
                    continue
                seen.add(graph)  # the first join of a subgraph counts (context_arguments)
                for arg in j.context_arguments:
                    numbers[(graph, type_name, field_name, arg.name)] = (
                        f"{place[graph]}_{counters[graph]}"
                    )
                    counters[graph] += 1
    return numbers


def _depth(path: tuple[str, ...]) -> int:
    """Object levels of a response path (list markers are no level)."""
    return sum(1 for p in path if p != "@")


class ContextPlanner:
    """The walker's helper for fields with context arguments (one per planning walk)."""

    def __init__(self, walker: Walker) -> None:
        self.walker = walker
        self.meta = walker.meta
        # (group, path, type, field) -> the variable suffix of that use ("" for the first)
        self._uses: dict[tuple[int, tuple[str, ...], str, str], str] = {}

    # -- where the field can be selected ------------------------------------------------

    def must_jump(self, ctx: Ctx, name: str) -> bool:
        """True when ``name`` takes context arguments in the current subgraph and the current
        fetch cannot pass them (a root fetch, or the ancestor is fetched by this fetch)."""
        args = context_arguments(self.meta, ctx.type_name, name, ctx.group.subgraph)
        if not args:
            return False
        if not ctx.group.is_entity:
            return True
        return not all(self._fits(ctx, a) for a in args)

    def _fits(self, ctx: Ctx, arg: ContextArgument) -> bool:
        found = self._ancestor(ctx, arg.context)
        if found is None:
            return True  # no ancestor sets it: the value is null wherever it is selected
        anc, types = found
        if _depth(anc.path) > _depth(ctx.group.path):
            return False  # the ancestor is fetched by this very fetch
        return self._source(anc, ctx.group, self._accept(types, arg)) is not None

    def _accept(self, types: tuple[str, ...], arg: ContextArgument) -> Callable[[Ctx], bool]:
        return lambda source: all(self._local_selection(source, t, arg) for t in types)

    def _local_selection(self, source: Ctx, type_name: str, arg: ContextArgument) -> bool:
        sels = self._selection(type_name, arg).selections
        ctx = replace(source, type_name=type_name)
        return all(
            s.name == "__typename" or self.walker._local(ctx, s.name) for s in _top_fields(sels)
        )

    # -- the arguments ------------------------------------------------------------------

    def arguments(self, ctx: Ctx, f: Field) -> tuple[ArgumentNode, ...]:
        """``f``'s arguments plus its context arguments as variables of the current fetch
        (whose ``context_rewrites`` then read them)."""
        args = context_arguments(self.meta, ctx.type_name, f.name, ctx.group.subgraph)
        if not args:
            return f.arguments
        group = ctx.group
        if not group.is_entity:
            raise PlanningError(
                f"{ctx.type_name}.{f.name} takes @fromContext arguments and cannot be "
                "selected in a root fetch"
            )
        key = (group.id, ctx.path, ctx.type_name, f.name)
        suffix = self._uses.get(key)
        fresh = suffix is None
        if suffix is None:
            # the same field elsewhere in this fetch (another ancestor) needs other variables
            n = sum(1 for k in self._uses if k[0] == group.id and k[2:] == key[2:])
            suffix = self._uses[key] = f"__{n}" if n else ""
        out = list(f.arguments)
        for arg in args:
            numbers = self.meta.context_argument_numbers()
            number = numbers[(ctx.group.subgraph, ctx.type_name, f.name, arg.name)]
            var = f"contextualArgument_{number}{suffix}"
            if fresh:
                self._plan_value(ctx, arg, var)
            out.append(
                ArgumentNode(
                    name=NameNode(value=arg.name), value=VariableNode(name=NameNode(value=var))
                )
            )
        return tuple(out)

    def _plan_value(self, ctx: Ctx, arg: ContextArgument, var: str) -> None:
        group = ctx.group
        group.context_variables[var] = arg.type
        found = self._ancestor(ctx, arg.context)
        if found is None:
            return  # no rewrite: the variable stays null
        anc, types = found
        ups = _depth(group.path) - _depth(anc.path)
        if ups < 0:
            raise PlanningError(
                f'the context "{arg.context}" of {ctx.type_name} is set below the fetch '
                "that needs it"
            )
        source = self._source(anc, group, self._accept(types, arg)) or self._source(anc, group)
        if source is None:
            raise PlanningError(f'no fetch can provide the context "{arg.context}" in time')
        touched: set[int] = set()
        for t in types:
            for req in self._require(source, t, arg, touched):
                path = ("..",) * ups + (f"... on {t}", req.response_key)
                group.context_rewrites.append(KeyRenamer(path, var))
        if group.id in touched or any(self._below(self._group(g), group) for g in touched):
            raise PlanningError(
                f'the context "{arg.context}" of {ctx.type_name} would be fetched after the '
                "fetch that needs it"
            )
        group.deps |= touched

    def _require(
        self, source: Ctx, type_name: str, arg: ContextArgument, touched: set[int]
    ) -> list[ReqField]:
        """Make ``source`` (the ancestor in an earlier fetch) select the context fields."""
        source.target.field("__typename", front=True)
        target = (
            source.target if type_name == source.type_name else source.target.fragment(type_name)
        )
        at = replace(source, type_name=type_name, target=target)
        reqs = self.walker._require(at, self._selection(type_name, arg), touched)
        touched.add(source.group.id)
        return [r for r in _flat_fields(reqs) if r.name != "__typename"]

    # -- the ancestor -------------------------------------------------------------------

    def _ancestor(self, ctx: Ctx, context: str) -> tuple[Ctx, tuple[str, ...]] | None:
        """The nearest ancestor level whose type sets ``context``, with the types at that
        level that set it (several when the level's type is abstract)."""
        level = ctx.parent
        while level is not None:
            types = self._setting(level.type_name, context)
            if types:
                return level, types
            level = level.parent
        return None

    def _setting(self, type_name: str, context: str) -> tuple[str, ...]:
        t = self.meta.types.get(type_name)
        if t is None:
            return ()
        if context in t.contexts:
            return (type_name,)
        if not self.meta.is_abstract(type_name):
            return ()
        return tuple(
            o for o in self.meta.possible_types(type_name) if context in self.meta.type(o).contexts
        )

    def _source(
        self, anc: Ctx, group: FetchGroup, accept: Callable[[Ctx], bool] | None = None
    ) -> Ctx | None:
        """The ancestor as seen by a fetch that runs before ``group``: the ancestor level in
        the groups the walk came through (jump origins), nearest first; the first that
        ``accept``s, or without ``accept`` the nearest."""
        level: Ctx | None = anc
        while level is not None:
            earlier = level.group is not group and not self._below(level.group, group)
            if earlier and (accept is None or accept(level)):
                return level
            level = level.origin
        return None

    @staticmethod
    def _below(g: FetchGroup, ancestor: FetchGroup) -> bool:
        while g.parent is not None:
            if g.parent is ancestor:
                return True
            g = g.parent
        return False

    def _group(self, gid: int) -> FetchGroup:
        return self.walker.groups[gid]

    def _selection(self, type_name: str, arg: ContextArgument) -> FieldSet:
        """The context selection as it applies to an ancestor of type ``type_name``."""
        text = arg.selection.strip()
        if text.startswith("{") and text.endswith("}"):
            text = text[1:-1]
        parsed = parse_field_set(type_name, text)
        sels = self._applying(type_name, parsed.selections)
        return FieldSet(type_name, text, sels)

    def _applying(self, type_name: str, sels: tuple[Selection, ...]) -> tuple[Selection, ...]:
        out: list[Selection] = []
        for s in sels:
            if isinstance(s, Field):
                out.append(s)
            elif s.type_condition is None or self._applies(type_name, s.type_condition):
                out.extend(self._applying(type_name, s.selections))
        return tuple(out)

    def _applies(self, type_name: str, condition: str) -> bool:
        if condition == type_name:
            return True
        wanted = set(self.meta.possible_types(condition))
        return bool(wanted) and set(self.meta.possible_types(type_name)) <= wanted


def _top_fields(sels: tuple[Selection, ...]) -> list[Field]:
    out: list[Field] = []
    for s in sels:
        if isinstance(s, Fragment):
            out.extend(_top_fields(s.selections))
        else:
            out.append(s)
    return out


def _flat_fields(reqs: tuple[ReqSelection, ...]) -> list[ReqField]:
    out: list[ReqField] = []
    for r in reqs:
        if isinstance(r, ReqFragment):
            out.extend(_flat_fields(r.selections))
        else:
            out.append(r)
    return out
