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
from .budget import DEFAULT_LIMITS
from .context import Ctx, RootRouter, Up
from .context_args import ContextPlanner
from .defer import DeferBlocks, enter_defer
from .fetch_group import FetchGroup
from .fieldset import FieldSet
from .metadata import Metadata
from .operation import Field, Fragment, Operation, Selection
from .plan import ReqField, ReqFragment, ReqSelection, ValueSetter
from .routes import Route, candidate_routes, fields_of
from .walk_support import (
    ClientKeys,
    add_reqs,
    and_conditions,
    fits,
    key_in_representation,
    level_keys,
    mirror,
    provided_field,
    unreachable,
    wrap,
)

__all__ = ["Ctx", "Up", "Walker"]

_MAX_ESCALATIONS = 4


class Walker:
    def __init__(
        self,
        meta: Metadata,
        operation: Operation,
        max_groups: int = DEFAULT_LIMITS.max_fetch_groups,
    ) -> None:
        self.meta = meta
        self.operation = operation
        self.max_groups = max_groups
        self.groups: list[FetchGroup] = []
        self.root_router: RootRouter | None = None
        self._children: dict[tuple[int, str, tuple[str, ...], int | None], FetchGroup] = {}
        self._touched: set[int] | None = None
        self._entering: set[tuple[int, tuple[str, ...], str]] = set()
        self._client_keys = ClientKeys()
        self.contexts = ContextPlanner(self)
        # @defer (planner/defer.py): the deferred block being walked (None: the primary
        # part); fetch groups are made for one block and never shared with another
        self.current_defer: int | None = None
        self.defers = DeferBlocks()

    # -- groups -----------------------------------------------------------------------------

    def new_group(
        self, subgraph: str, path: tuple[str, ...], parent: FetchGroup | None
    ) -> FetchGroup:
        if len(self.groups) >= self.max_groups:
            raise PlanningError(
                f"The operation needs more than {self.max_groups} subgraph fetches (the limit).",
                code="OPERATION_TOO_COMPLEX",
            )
        group = FetchGroup(len(self.groups), subgraph, path, parent is not None, parent)
        group.defer = self.current_defer
        self.groups.append(group)
        return group

    def _child(
        self, parent: FetchGroup, subgraph: str, path: tuple[str, ...], avoid: set[int]
    ) -> FetchGroup:
        # A jump out of an entity fetch at the very objects it was entered at reads them where
        # that fetch's parent has them: it hangs there, after the fetch, so that jumps to one
        # subgraph at one path share a fetch however they were reached (as Apollo's do).
        after: set[int] = set()
        while parent.is_entity and parent.parent is not None and parent.path == path:
            after.add(parent.id)
            parent = parent.parent
        key = (parent.id, subgraph, path, self.current_defer)
        group = self._children.get(key)
        if group is None or group.id in avoid or group.id in after:
            group = self.new_group(subgraph, path, parent)
            self._children[key] = group
        group.deps |= after
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
        if frag.defer is not None:
            enter_defer(self, ctx, frag)  # @defer: fetches of its own (planner/defer.py)
            return
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
        runtime = self._narrow(ctx, tc)
        if not runtime:
            return  # the subgraph cannot return an object this fragment applies to
        up = self._up_through(ctx, Fragment(tc, (), frag.conditions))
        if self.meta.in_graph(tc, graph) and (
            not self.meta.is_abstract(tc) or set(runtime) <= set(self.meta.runtime_types(tc, graph))
        ):
            target = ctx.target.fragment(tc, frag.conditions)
            # the object is one of ``runtime`` (``... on Node`` on a Post is a Post): the
            # interface's other implementations never need planning here
            narrowed = replace(ctx, type_name=tc, target=target, up=up, runtime=frozenset(runtime))
            self.walk(narrowed, frag.selections)
            return
        for obj in runtime:
            target = ctx.target.fragment(obj, frag.conditions)
            self.walk(replace(ctx, type_name=obj, target=target, up=up), frag.selections)

    def _narrow(self, ctx: Ctx, condition: str) -> tuple[str, ...]:
        wanted = set(self.meta.possible_types(condition))
        return tuple(t for t in self._runtime(ctx) if t in wanted)

    def _runtime(self, ctx: Ctx) -> tuple[str, ...]:
        """The object types the current (abstract) object may have here."""
        here = self.meta.runtime_types(ctx.type_name, ctx.group.subgraph)
        if ctx.runtime is None:
            return here
        return tuple(t for t in here if t in ctx.runtime)

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
            runtime = self._runtime(ctx)
            if self._abstract_local(ctx, f):
                self.add_local(ctx, f)
            elif interface_object or not runtime:
                # no object type here to split the field over: only a jump (an interface
                # key) can reach it; without one the selection is unplannable, not empty
                self.jump(ctx, f)
            else:
                for obj in runtime:
                    target = ctx.target.fragment(obj)
                    self.field(replace(ctx, type_name=obj, target=target), f)
            return
        if self._local(ctx, f.name):
            self.add_local(ctx, f)
        else:
            self.jump(ctx, f)

    def is_local(self, ctx: Ctx, name: str) -> bool:
        """Does the current subgraph resolve ``name`` here (for planner/defer.py)?"""
        return self._local(ctx, name)

    def enter(self, ctx: Ctx, sel: Field | Fragment, route: Route) -> None:
        """An entity jump along ``route`` (for planner/defer.py)."""
        self._enter(ctx, sel, route)

    def _local(self, ctx: Ctx, name: str) -> bool:
        t, graph = ctx.type_name, ctx.group.subgraph
        if provided_field(ctx.provided, t, name, self.meta) is not None:
            return True
        return (
            self.meta.resolvable(t, name, graph)
            and self.meta.requires(t, name, graph) is None
            and not self.contexts.must_jump(ctx, name)
        )

    def _abstract_local(self, ctx: Ctx, f: Field) -> bool:
        graph = ctx.group.subgraph
        if not self._local(ctx, f.name):
            return False
        if self.meta.is_interface_object(ctx.type_name, graph):
            return True
        return all(self._local(replace(ctx, type_name=obj), f.name) for obj in self._runtime(ctx))

    def add_local(self, ctx: Ctx, f: Field, *, front: bool = False) -> None:
        arguments = self.contexts.arguments(ctx, f)
        item = ctx.target.field(f.name, f.alias, arguments, f.conditions, front=front)
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
            runtime=self.meta.shared_runtime_types(ctx.type_name, f.name),
            parent=ctx,
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
            existing=lambda graph: (
                (ctx.group.id, graph, ctx.path, self.current_defer) in self._children
            ),
            # entries at this group and path that are fetching their key right now
            avoid=ctx.avoid
            | {g for i, p, g in self._entering if (i, p) == (ctx.group.id, ctx.path)},
        )

    def _enter(self, ctx: Ctx, sel: Field | Fragment, route: Route) -> None:
        t = ctx.type_name
        source = ctx.group
        touched: set[int] = set()
        reps = key_in_representation(source, ctx.path, t, route)
        if reps is not None:
            # the key is what this entity fetch was itself sent: the parent has it, so the
            # jump is a sibling of this fetch, not a round after it (as Apollo plans it)
            assert source.parent is not None
            source = source.parent
            touched |= ctx.group.deps
        else:
            req_ctx = replace(ctx, target=ctx.target.fragment(None, sel.conditions))
            req_ctx.target.field("__typename", front=True)
            # While this entry's key is being fetched, the same entry is no way to fetch it: a
            # key field this subgraph lacks must come from elsewhere (or escalate), not from a
            # jump that needs the very same key (that recursed without end).
            entering = (ctx.group.id, ctx.path, route.graph)
            self._entering.add(entering)
            try:
                reps = self._require(req_ctx, route.key, touched)
            finally:
                self._entering.discard(entering)
            if route.requires is not None:
                reps += self._require(req_ctx, route.requires, touched)
        child = self._child(source, route.graph, ctx.path, touched)
        if not fits(child.requires.fragment(t), reps):
            # one representation cannot carry a field twice (e.g. two @requires of one field
            # with other arguments): this entry needs a fetch of its own
            child = self._child(source, route.graph, ctx.path, touched | {child.id})
        conds = and_conditions(ctx.conds, sel.conditions)
        if child.conditions is None:
            child.conditions = conds
        else:
            child.conditions = tuple(c for c in child.conditions if c in conds)
        touched.discard(source.id)
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
            child,
            route.entry_type,
            ctx.path,
            target,
            avoid=ctx.avoid,
            conds=conds,
            level=target,
            parent=ctx.parent,
            origin=ctx,
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
            parent=ctx,
        )
        self._touch(ctx.group)
        return self._require_sels(sub, sel.selections, front=False)

    def _internal_key(self, ctx: Ctx, f: Field) -> str:
        """The response key of a field the planner adds: its name, unless the client uses that
        key at this level for something else (another field or other arguments)."""
        wanted = (f.name, f.arguments_text)
        client = self._client_keys.of(ctx.client_sels)
        level: dict[str, tuple[str, str]] = {}
        level_keys(ctx.level or ctx.target, level)

        def used(key: str) -> tuple[str, str] | None:
            return client.get(key) or level.get(key)  # the client's use of a key comes first

        if used(f.name) in (None, wanted):
            return f.name
        n = 0
        while used(f"{f.name}__fedgate_{n}") not in (None, wanted):
            n += 1
        return f"{f.name}__fedgate_{n}"
