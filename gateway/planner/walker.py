"""The planning walk: assign every selection of the operation to a fetch group.

The walk descends the operation with a *context* (which group is fetching, on which type, at
which response path). A field the current subgraph resolves stays in the current group; any
other field is reached through an entity jump (``jump``): a child group on another subgraph,
entered with a ``@key`` whose fields the current group is made to fetch (``_require``), plus the
field's ``@requires`` fields. Abstract types are split into their object types where a subgraph
cannot answer the abstract selection as a whole. Where no jump is possible (a value type
without a key), the selection is *escalated*: re-entered from the nearest level that has one
(an entity ancestor, or the operation root), wrapped in the fields that lead down to it.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import PlanningError
from .context import Ctx, RootRouter, Up
from .fetch_group import FetchGroup
from .fieldset import FieldSet
from .metadata import Metadata
from .operation import Field, Fragment, Operation, Selection
from .plan import ReqField, ReqFragment, ReqSelection, ValueSetter
from .routes import Route, candidate_routes, fields_of
from .walk_support import (
    add_reqs,
    and_conditions,
    client_keys,
    fits,
    level_keys,
    mirror,
    provided_field,
    unreachable,
    wrap,
)

__all__ = ["Ctx", "Up", "Walker"]

_MAX_ESCALATIONS = 4


class Walker:
    def __init__(self, meta: Metadata, operation: Operation) -> None:
        self.meta = meta
        self.operation = operation
        self.groups: list[FetchGroup] = []
        self.root_router: RootRouter | None = None
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
        ctx = replace(ctx, client_sels=selections)
        later: list[Field] = []
        for sel in selections:
            if isinstance(sel, Fragment):
                self.fragment(ctx, sel)
            elif self._open_choice(ctx, sel):
                later.append(sel)
            else:
                self.field(ctx, sel)
        # Fields several subgraphs could serve go last, so that they can join the jumps the
        # other fields force, whatever the order the client wrote them in.
        for f in later:
            self.field(ctx, f)

    def _open_choice(self, ctx: Ctx, f: Field) -> bool:
        """A field the current subgraph cannot resolve and more than one other subgraph can."""
        if f.name == "__typename" or self.meta.is_abstract(ctx.type_name):
            return False
        if self._local(ctx, f.name):
            return False
        return len(self.meta.field_graphs(ctx.type_name, f.name)) > 1

    def fragment(self, ctx: Ctx, frag: Fragment) -> None:
        tc = frag.type_condition or ctx.type_name
        graph = ctx.group.subgraph
        if frag.conditions:
            ctx = replace(ctx, conds=and_conditions(ctx.conds, frag.conditions))
        if tc == ctx.type_name:
            target = ctx.target.fragment(None, frag.conditions)
            # an escalated selection keeps the fragment's conditions (``... @include(if: $v)``)
            up = (
                self._up_through(ctx, Fragment(None, (), frag.conditions))
                if frag.conditions
                else ctx.up
            )
            self.walk(replace(ctx, target=target, up=up), frag.selections)
            return
        if self.meta.is_interface_object(ctx.type_name, graph):
            self.jump(ctx, frag)  # this subgraph does not know the types behind the interface
            return
        runtime = self._narrow(ctx.type_name, tc, graph)
        if not runtime:
            return  # the subgraph cannot return an object this fragment applies to
        up = self._up_through(ctx, Fragment(tc, (), frag.conditions))
        if self.meta.in_graph(tc, graph) and (
            not self.meta.is_abstract(tc) or set(runtime) <= set(self.meta.runtime_types(tc, graph))
        ):
            target = ctx.target.fragment(tc, frag.conditions)
            self.walk(replace(ctx, type_name=tc, target=target, up=up), frag.selections)
            return
        for obj in runtime:
            target = ctx.target.fragment(obj, frag.conditions)
            self.walk(replace(ctx, type_name=obj, target=target, up=up), frag.selections)

    def _narrow(self, current: str, condition: str, graph: str) -> tuple[str, ...]:
        here = self.meta.runtime_types(current, graph)
        wanted = set(self.meta.possible_types(condition))
        return tuple(t for t in here if t in wanted)

    def field(self, ctx: Ctx, f: Field) -> None:
        graph = ctx.group.subgraph
        interface_object = self.meta.is_interface_object(ctx.type_name, graph)
        if f.name == "__typename":
            if interface_object:
                self.jump(ctx, f)  # the subgraph answers the interface's name, not the type's
            else:
                ctx.target.field(f.name, f.alias, (), f.conditions)
            return
        if self.meta.is_abstract(ctx.type_name):
            if self._abstract_local(ctx, f):
                self.add_local(ctx, f)
            elif interface_object:
                self.jump(ctx, f)
            else:
                for obj in self.meta.runtime_types(ctx.type_name, graph):
                    target = ctx.target.fragment(obj)
                    self.field(replace(ctx, type_name=obj, target=target), f)
            return
        if self._local(ctx, f.name):
            self.add_local(ctx, f)
        else:
            self.jump(ctx, f)

    def _local(self, ctx: Ctx, name: str) -> bool:
        t, graph = ctx.type_name, ctx.group.subgraph
        if provided_field(ctx.provided, t, name, self.meta) is not None:
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
        if not item.type_text:
            item.type_text = self.meta.field_type_text(ctx.type_name, f.name, ctx.group.subgraph)
        if not f.selections:
            return
        definition = self.meta.field(ctx.type_name, f.name)
        if definition is None:
            raise PlanningError(f"Unknown field {ctx.type_name}.{f.name}")
        if self.meta.is_abstract(definition.type.named):
            # the object's type decides which fragments apply: always ask for it
            item.subtree().field("__typename", front=True)
        path = ctx.path + (f.response_key,) + ("@",) * definition.type.text.count("[")
        provided = provided_field(ctx.provided, ctx.type_name, f.name, self.meta)
        if provided is not None:
            sub_provided: tuple[Selection, ...] | None = provided.selections
        else:
            fs = self.meta.provides(ctx.type_name, f.name, ctx.group.subgraph)
            sub_provided = fs.selections if fs is not None else None
        shell = replace(f, selections=())
        sub = Ctx(
            ctx.group,
            self.meta.field_type_name(ctx.type_name, f.name, ctx.group.subgraph),
            path,
            item.subtree(),
            sub_provided,
            up=self._up_below(ctx, shell),
            avoid=ctx.avoid if ctx.up is None or ctx.up.ctx is not None else frozenset(),
            conds=and_conditions(ctx.conds, f.conditions),
            level=item.subtree(),
        )
        self.walk(sub, f.selections)

    # -- escalation -------------------------------------------------------------------------

    def _up_below(self, ctx: Ctx, shell: Field) -> Up | None:
        """The escalation point for the selections under field ``shell`` selected at ``ctx``."""
        if ctx.path == () and ctx.type_name == self.operation.root_type:
            return Up(None, (shell,))
        if self.meta.is_entity(ctx.type_name):
            return Up(ctx, (shell,))
        if ctx.up is None:
            return None
        return Up(ctx.up.ctx, (*ctx.up.chain, shell))

    def _up_through(self, ctx: Ctx, shell: Fragment) -> Up | None:
        if ctx.up is None:
            return None
        return Up(ctx.up.ctx, (*ctx.up.chain, shell))

    def _escalate(self, ctx: Ctx, sel: Field | Fragment) -> bool:
        up = ctx.up
        if up is None or ctx.escalations >= _MAX_ESCALATIONS:
            return False
        wrapped = wrap(up.chain, sel)
        avoid = ctx.avoid | {ctx.group.subgraph}
        if up.ctx is None:
            if self.root_router is None:
                return False
            self.root_router(wrapped, avoid)
            return True
        again = replace(up.ctx, avoid=up.ctx.avoid | avoid, escalations=ctx.escalations + 1)
        route = self._route(again, wrapped)
        if route is None:
            return self._escalate(again, wrapped)
        self._enter(again, wrapped, route)
        return True

    # -- entity jumps -----------------------------------------------------------------------

    def jump(self, ctx: Ctx, sel: Field | Fragment) -> None:
        route = self._route(ctx, sel)
        if route is not None:
            self._enter(ctx, sel, route)
            return
        reason = unreachable(ctx.type_name, sel, ctx.group.subgraph, self.meta)
        try:
            escalated = self._escalate(ctx, sel)
        except PlanningError:
            escalated = False  # the first obstacle explains it best
        if not escalated:
            raise PlanningError(reason)

    def _route(self, ctx: Ctx, sel: Field | Fragment) -> Route | None:
        here = ctx.group.subgraph
        return candidate_routes(
            self.meta,
            ctx.type_name,
            sel,
            here,
            key_is_local=lambda key: all(self._local(ctx, n) for n in key.top_level_names()),
            existing=lambda graph: (ctx.group.id, graph, ctx.path) in self._children,
            avoid=ctx.avoid,
        )

    def _enter(self, ctx: Ctx, sel: Field | Fragment, route: Route) -> None:
        t = ctx.type_name
        req_ctx = replace(ctx, target=ctx.target.fragment(None, sel.conditions))
        req_ctx.target.field("__typename", front=True)
        touched: set[int] = set()
        reps = self._require(req_ctx, route.key, touched)
        if route.requires is not None:
            reps += self._require(req_ctx, route.requires, touched)
        child = self._child(ctx.group, route.graph, ctx.path, touched)
        if not fits(child.requires.fragment(t), reps):
            # one representation cannot carry a field twice (e.g. two @requires of one field
            # with other arguments): this entry needs a fetch of its own
            child = self._child(ctx.group, route.graph, ctx.path, touched | {child.id})
        conds = and_conditions(ctx.conds, sel.conditions)
        if child.conditions is None:
            child.conditions = conds
        else:
            child.conditions = tuple(c for c in child.conditions if c in conds)
        touched.discard(ctx.group.id)
        child.deps |= touched
        rep_target = child.requires.fragment(t)
        rep_target.field("__typename")
        add_reqs(rep_target, reps)
        if route.entry_type != t or self.meta.is_interface_object(route.entry_type, route.graph):
            # an @interfaceObject subgraph knows only the interface: whatever object type the
            # representation has by then, it must arrive as the interface
            child.input_rewrites[t] = ValueSetter((f"... on {t}", "__typename"), route.entry_type)
        self._touch(child)
        target = child.selection.fragment(route.entry_type)
        if self.meta.is_abstract(route.entry_type) and not self.meta.is_interface_object(
            route.entry_type, route.graph
        ):
            # the real type, for fragments and shaping (an @interfaceObject subgraph would
            # answer the interface's name, which must not overwrite the real one)
            target.field("__typename", front=True)
        child_ctx = Ctx(
            child, route.entry_type, ctx.path, target, avoid=ctx.avoid, conds=conds, level=target
        )
        if isinstance(sel, Field) and sel.name != "__typename":
            self.add_local(child_ctx, sel)
        else:
            self.walk(child_ctx, (sel,))

    # -- requirements -----------------------------------------------------------------------

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

    def _require_sels(
        self, ctx: Ctx, sels: tuple[Selection, ...], front: bool = True
    ) -> tuple[ReqSelection, ...]:
        out: list[ReqSelection] = []
        for sel in sels:
            if isinstance(sel, Fragment):
                tc = sel.type_condition
                if tc is None or tc == ctx.type_name:
                    out.extend(self._require_sels(ctx, sel.selections, front))
                    continue
                target = ctx.target.fragment(tc)
                sub = self._require_sels(
                    replace(ctx, type_name=tc, target=target), sel.selections, front
                )
                out.append(ReqFragment(tc, sub))
                continue
            key = self._internal_key(ctx, sel)
            aliased = replace(sel, alias=None if key == sel.name else key)
            if sel.name == "__typename":
                ctx.target.field("__typename", front=True)
            elif self._local(ctx, sel.name) and not self.meta.is_abstract(ctx.type_name):
                if sel.selections:
                    sub = self._require_nested(ctx, aliased, sel, front)
                    out.append(ReqField(sel.name, key, sub))
                    continue
                self.add_local(ctx, aliased, front=front)
            else:
                self.field(ctx, aliased)
            out.append(ReqField(sel.name, key, mirror(sel.selections)))
        return tuple(out)

    def _require_nested(
        self, ctx: Ctx, aliased: Field, sel: Field, front: bool
    ) -> tuple[ReqSelection, ...]:
        """A required field with a selection, fetched here: its sub-fields are requirements
        too, kept clear of what the client selects under the same field."""
        item = ctx.target.field(aliased.name, aliased.alias, aliased.arguments, front=front)
        graph = ctx.group.subgraph
        if not item.type_text:
            item.type_text = self.meta.field_type_text(ctx.type_name, sel.name, graph)
        definition = self.meta.field(ctx.type_name, sel.name)
        assert definition is not None
        if self.meta.is_abstract(definition.type.named):
            item.subtree().field("__typename", front=True)
        path = ctx.path + (aliased.response_key,) + ("@",) * definition.type.text.count("[")
        provided = provided_field(ctx.provided, ctx.type_name, sel.name, self.meta)
        client = tuple(
            s
            for f in fields_of(ctx.client_sels)
            if f.response_key == aliased.response_key
            for s in f.selections
        )
        sub = Ctx(
            ctx.group,
            self.meta.field_type_name(ctx.type_name, sel.name, graph),
            path,
            item.subtree(),
            provided.selections if provided is not None else None,
            client_sels=client,
            conds=ctx.conds,
            level=item.subtree(),
        )
        self._touch(ctx.group)
        return self._require_sels(sub, sel.selections, front=False)

    def _internal_key(self, ctx: Ctx, f: Field) -> str:
        """The response key of a field the planner adds: its name, unless the client uses that
        key at this level for something else (another field or other arguments)."""
        wanted = (f.name, f.arguments_text)
        used = client_keys(ctx.client_sels)
        level_keys(ctx.level or ctx.target, used)
        if used.get(f.name, wanted) == wanted:
            return f.name
        n = 0
        while f"{f.name}__fedgate_{n}" in used and used[f"{f.name}__fedgate_{n}"] != wanted:
            n += 1
        return f"{f.name}__fedgate_{n}"
