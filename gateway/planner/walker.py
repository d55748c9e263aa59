"""The planning walk: assign every selection of the operation to a fetch group.

The walk descends the operation with a *context* (which group is fetching, on which type, at
which response path). A field the current subgraph resolves stays in the current group; any
other field is reached through an entity jump: a child group on another subgraph, entered with
a ``@key`` whose fields the current group fetches (``_require``), plus the field's ``@requires``
fields. Abstract types are split into their object types where a subgraph cannot answer the
abstract selection as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from ..errors import PlanningError
from .fetch_group import FetchGroup, SelTree
from .fieldset import FieldSet
from .metadata import Metadata
from .operation import Field, Fragment, Operation, Selection
from .plan import ReqField, ReqFragment, ReqSelection

__all__ = ["Walker"]


@dataclass(frozen=True, slots=True)
class Ctx:
    group: FetchGroup
    type_name: str
    path: tuple[str, ...]
    target: SelTree
    provided: tuple[Selection, ...] | None = None
    # response keys the client uses at this level: key -> (field name, printed arguments)
    client_keys: dict[str, tuple[str, str]] | None = None


class Walker:
    def __init__(self, meta: Metadata, operation: Operation) -> None:
        self.meta = meta
        self.operation = operation
        self.groups: list[FetchGroup] = []
        self._children: dict[tuple[int, str, tuple[str, ...]], FetchGroup] = {}
        self._touched: set[int] | None = None

    # -- groups -----------------------------------------------------------------------------

    def new_group(
        self, subgraph: str, path: tuple[str, ...], parent: FetchGroup | None
    ) -> FetchGroup:
        group = FetchGroup(len(self.groups), subgraph, path, parent is not None, parent)
        self.groups.append(group)
        return group

    def _child(
        self, parent: FetchGroup, subgraph: str, path: tuple[str, ...], avoid: set[int]
    ) -> FetchGroup:
        key = (parent.id, subgraph, path)
        group = self._children.get(key)
        if group is None or group.id in avoid:
            group = self.new_group(subgraph, path, parent)
            self._children[key] = group
        return group

    def _touch(self, group: FetchGroup) -> None:
        if self._touched is not None:
            self._touched.add(group.id)

    # -- walking ----------------------------------------------------------------------------

    def walk(self, ctx: Ctx, selections: tuple[Selection, ...]) -> None:
        self._touch(ctx.group)
        keys = _client_keys(selections)
        ctx = replace(ctx, client_keys=keys)
        for sel in selections:
            if isinstance(sel, Field):
                self.field(ctx, sel)
            else:
                self.fragment(ctx, sel)

    def fragment(self, ctx: Ctx, frag: Fragment) -> None:
        tc = frag.type_condition or ctx.type_name
        graph = ctx.group.subgraph
        if tc == ctx.type_name:
            target = ctx.target.fragment(None, frag.conditions)
            self.walk(replace(ctx, target=target), frag.selections)
            return
        runtime = self._narrow(ctx.type_name, tc, graph)
        if not runtime:
            return  # the subgraph cannot return an object this fragment applies to
        if self.meta.in_graph(tc, graph) and (
            not self.meta.is_abstract(tc) or set(runtime) <= set(self.meta.runtime_types(tc, graph))
        ):
            target = ctx.target.fragment(tc, frag.conditions)
            self.walk(replace(ctx, type_name=tc, target=target), frag.selections)
            return
        for obj in runtime:
            target = ctx.target.fragment(obj, frag.conditions)
            self.walk(replace(ctx, type_name=obj, target=target), frag.selections)

    def _narrow(self, current: str, condition: str, graph: str) -> tuple[str, ...]:
        here = self.meta.runtime_types(current, graph)
        wanted = set(self.meta.possible_types(condition))
        return tuple(t for t in here if t in wanted)

    def field(self, ctx: Ctx, f: Field) -> None:
        graph = ctx.group.subgraph
        if f.name == "__typename":
            ctx.target.field(f.name, f.alias, (), f.conditions)
            return
        if self.meta.is_abstract(ctx.type_name):
            if self._abstract_local(ctx, f):
                self.add_local(ctx, f)
                return
            runtime = self.meta.runtime_types(ctx.type_name, graph)
            for obj in runtime:
                target = ctx.target.fragment(obj)
                self.field(replace(ctx, type_name=obj, target=target), f)
            return
        if self._local(ctx, f.name):
            self.add_local(ctx, f)
        else:
            self.jump(ctx, f)

    def _local(self, ctx: Ctx, name: str) -> bool:
        t, graph = ctx.type_name, ctx.group.subgraph
        if _provided_field(ctx.provided, t, name, self.meta) is not None:
            return True
        return self.meta.resolvable(t, name, graph) and self.meta.requires(t, name, graph) is None

    def _abstract_local(self, ctx: Ctx, f: Field) -> bool:
        graph = ctx.group.subgraph
        if not self._local(ctx, f.name):
            return False
        if self.meta.is_interface_object(ctx.type_name, graph):
            return True
        return all(
            self._local(replace(ctx, type_name=obj), f.name)
            for obj in self.meta.runtime_types(ctx.type_name, graph)
        )

    def add_local(self, ctx: Ctx, f: Field, *, front: bool = False) -> None:
        item = ctx.target.field(f.name, f.alias, f.arguments, f.conditions, front=front)
        if not f.selections:
            return
        definition = self.meta.field(ctx.type_name, f.name)
        if definition is None:
            raise PlanningError(f"Unknown field {ctx.type_name}.{f.name}")
        path = ctx.path + (f.response_key,) + ("@",) * definition.type.text.count("[")
        provided = _provided_field(ctx.provided, ctx.type_name, f.name, self.meta)
        if provided is not None:
            sub_provided: tuple[Selection, ...] | None = provided.selections
        else:
            fs = self.meta.provides(ctx.type_name, f.name, ctx.group.subgraph)
            sub_provided = fs.selections if fs is not None else None
        sub = Ctx(ctx.group, definition.type.named, path, item.subtree(), sub_provided)
        self.walk(sub, f.selections)

    # -- entity jumps -----------------------------------------------------------------------

    def jump(self, ctx: Ctx, f: Field) -> None:
        t = ctx.type_name
        choice = self._choose_jump(ctx, f)
        if choice is None:
            raise PlanningError(_unreachable(t, f.name, ctx.group.subgraph, self.meta))
        graph, key = choice
        requires = self.meta.requires(t, f.name, graph)
        req_ctx = replace(ctx, target=ctx.target.fragment(None, f.conditions))
        req_ctx.target.field("__typename", front=True)
        touched: set[int] = set()
        reps = self._require(req_ctx, key, touched)
        if requires is not None:
            reps += self._require(req_ctx, requires, touched)
        child = self._child(ctx.group, graph, ctx.path, touched)
        touched.discard(ctx.group.id)
        child.deps |= touched
        rep_target = child.requires.fragment(t)
        rep_target.field("__typename")
        _add_reqs(rep_target, reps)
        self._touch(child)
        target = child.selection.fragment(t)
        self.add_local(Ctx(child, t, ctx.path, target), f)

    def _choose_jump(self, ctx: Ctx, f: Field) -> tuple[str, FieldSet] | None:
        t, here = ctx.type_name, ctx.group.subgraph
        best: tuple[tuple[int, ...], str, FieldSet] | None = None
        for order, graph in enumerate(self.meta.field_graphs(t, f.name)):
            requires = self.meta.requires(t, f.name, graph)
            if graph == here and requires is None:
                continue
            for key_text in self.meta.keys(t, graph):
                key = self.meta.field_set(t, key_text)
                local = all(self._local(ctx, n) for n in key.top_level_names())
                existing = (ctx.group.id, graph, ctx.path) in self._children
                score = (
                    0 if local else 1,
                    0 if existing else 1,
                    0 if requires is None else 1,
                    self._misses(graph, t, f),
                    order,
                )
                if best is None or score < best[0]:
                    best = (score, graph, key)
        return None if best is None else (best[1], best[2])

    def _misses(self, graph: str, type_name: str, f: Field) -> int:
        """How many of the field's direct sub-fields ``graph`` cannot resolve (a cheap cost)."""
        definition = self.meta.field(type_name, f.name)
        if definition is None or not f.selections:
            return 0
        sub_type = definition.type.named
        return sum(
            1
            for s in _fields_of(f.selections)
            if s.name != "__typename" and not self.meta.resolvable(sub_type, s.name, graph)
        )

    def _require(self, ctx: Ctx, fields: FieldSet, touched: set[int]) -> tuple[ReqSelection, ...]:
        """Make ``ctx.group`` (or groups reached from it) fetch ``fields``; say where they land."""
        outer = self._touched
        self._touched = touched
        try:
            return self._require_sels(ctx, fields.selections)
        finally:
            if outer is not None:
                outer |= touched
            self._touched = outer

    def _require_sels(self, ctx: Ctx, sels: tuple[Selection, ...]) -> tuple[ReqSelection, ...]:
        out: list[ReqSelection] = []
        for sel in sels:
            if isinstance(sel, Fragment):
                tc = sel.type_condition
                if tc is None or tc == ctx.type_name:
                    out.extend(self._require_sels(ctx, sel.selections))
                    continue
                target = ctx.target.fragment(tc)
                sub = self._require_sels(replace(ctx, type_name=tc, target=target), sel.selections)
                out.append(ReqFragment(tc, sub))
                continue
            key = self._internal_key(ctx, sel)
            aliased = replace(sel, alias=None if key == sel.name else key)
            if sel.name == "__typename":
                ctx.target.field("__typename", front=True)
            elif self._local(ctx, sel.name) and not self.meta.is_abstract(ctx.type_name):
                self.add_local(ctx, aliased, front=True)
            else:
                self.field(ctx, aliased)
            out.append(ReqField(sel.name, key, _mirror(sel.selections)))
        return tuple(out)

    def _internal_key(self, ctx: Ctx, f: Field) -> str:
        """The response key of a field the planner adds: its name, unless the client uses that
        key at this level for something else (another field or other arguments)."""
        wanted = (f.name, f.arguments_text)
        used = ctx.client_keys or {}
        if used.get(f.name, wanted) == wanted:
            return f.name
        n = 0
        while f"{f.name}__fedgate_{n}" in used:
            n += 1
        return f"{f.name}__fedgate_{n}"


def _add_reqs(target: SelTree, reqs: tuple[ReqSelection, ...]) -> None:
    for r in reqs:
        if isinstance(r, ReqField):
            alias = r.response_key if r.response_key != r.name else None
            item = target.field(r.name, alias)
            if r.selections:
                _add_reqs(item.subtree(), r.selections)
        else:
            _add_reqs(target.fragment(r.type_condition), r.selections)


def _mirror(sels: tuple[Selection, ...]) -> tuple[ReqSelection, ...]:
    out: list[ReqSelection] = []
    for s in sels:
        if isinstance(s, Field):
            out.append(ReqField(s.name, s.response_key, _mirror(s.selections)))
        elif s.type_condition is None:
            out.extend(_mirror(s.selections))
        else:
            out.append(ReqFragment(s.type_condition, _mirror(s.selections)))
    return tuple(out)


def _fields_of(sels: tuple[Selection, ...]) -> Iterator[Field]:
    for s in sels:
        if isinstance(s, Field):
            yield s
        else:
            yield from _fields_of(s.selections)


def _client_keys(sels: tuple[Selection, ...]) -> dict[str, tuple[str, str]]:
    return {f.response_key: (f.name, f.arguments_text) for f in _fields_of(sels)}


def _provided_field(
    provided: tuple[Selection, ...] | None, type_name: str, name: str, meta: Metadata
) -> Field | None:
    if provided is None:
        return None
    for s in provided:
        if isinstance(s, Field):
            if s.name == name:
                return s
        elif s.type_condition is None or type_name in meta.possible_types(s.type_condition):
            found = _provided_field(s.selections, type_name, name, meta)
            if found is not None:
                return found
    return None


def _unreachable(type_name: str, field: str, graph: str, meta: Metadata) -> str:
    owners = meta.field_graphs(type_name, field)
    if not owners:
        return f"Cannot plan {type_name}.{field}: no subgraph can resolve it."
    return (
        f"Cannot plan {type_name}.{field} from subgraph {graph!r}: it is resolved by "
        f"{', '.join(repr(o) for o in owners)}, but no resolvable @key of {type_name} there "
        f"can be fetched from {graph!r}."
    )
