"""Satisfiability: every field of the API schema can be fetched by some query plan.

The check explores states ``(type, subgraph)``: "the query is at an object of this type,
fetched from this subgraph". From a state, a field is either resolved by the same subgraph,
or the plan moves to another subgraph through an entity ``@key`` whose fields the current
subgraph can provide. A field that no reachable state can resolve makes composition fail
with an example query that cannot be planned.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from .context import MergeContext
from .fieldset import FieldSetSyntaxError, Selection, parse_fieldset, top_level_fields
from .model import Field, Subgraph, TypeDef, TypeKind, named_type
from .satisfiability_context import missing_context
from .satisfiability_report import report_unsatisfiable
from .supergraph import MergedType, Supergraph


@dataclass(frozen=True, slots=True)
class State:
    type: str
    subgraph: str
    provided: tuple[Selection, ...] = ()  # what a @provides on the way here selected
    contexts: frozenset[str] = frozenset()  # @context names set by the types on the way here


@dataclass(frozen=True, slots=True)
class PathState:
    """A position in a supergraph query: its type and every subgraph option still open."""

    type: str
    options: frozenset[State]


@dataclass(frozen=True, slots=True)
class Step:
    parent: PathState | None
    field: str
    condition: str | None = None  # inline fragment type condition


class Explorer:
    def __init__(self, ctx: MergeContext, supergraph: Supergraph) -> None:
        self.ctx = ctx
        self.supergraph = supergraph
        self.by_name = {sg.name: sg for sg in ctx.subgraphs}
        self.overridden = _overridden_fields(ctx)
        self.paths: dict[PathState, Step] = {}
        self.failed: set[str] = set()
        self._jumps: dict[State, list[State]] = {}
        self._checking: set[tuple[State, str]] = set()

    def type_def(self, state: State) -> TypeDef | None:
        return self.by_name[state.subgraph].types.get(state.type)

    def local(self, state: State, field_name: str) -> Field | None:
        """The field if the state's subgraph can resolve it right there."""
        td = self.type_def(state)
        f = td.field(field_name) if td is not None else None
        if f is None or (state.type, field_name, state.subgraph) in self.overridden:
            return None
        if f.has("external") and not _selected(state.provided, state.type, field_name):
            return None
        if not self._requirements_met(state, f) or missing_context(state, f):
            return None
        return f

    def _requirements_met(self, state: State, f: Field) -> bool:
        """Every field a @requires selects can be fetched from here (directly or by key)."""
        requires = f.directive("requires")
        if requires is None:
            return True
        key = (state, f.name)
        if key in self._checking:
            return False
        self._checking.add(key)
        try:
            needed = top_level_fields(str(requires.args.get("fields", "")))
            return all(self.resolvable(state, name) for name in needed)
        finally:
            self._checking.discard(key)

    def jumps(self, state: State) -> list[State]:
        """States reachable from ``state`` through entity keys (transitively)."""
        cached = self._jumps.get(state)
        if cached is None:
            cached = self._jumps[state] = self._compute_jumps(state)
        return cached

    def _compute_jumps(self, state: State) -> list[State]:
        seen = {state}
        queue = deque([state])
        while queue:
            current = queue.popleft()
            for target in self._direct_jumps(current):
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        seen.discard(state)
        return sorted(seen, key=lambda s: (s.subgraph, s.type))

    def _direct_jumps(self, state: State) -> list[State]:
        td = self.type_def(state)
        names = [state.type, *(td.interfaces if td is not None else ())]
        result = []
        for name in names:
            for sg, other in self.ctx.defs(name):
                if sg.name == state.subgraph and name == state.type:
                    continue
                if name != state.type and not other.has("interfaceObject"):
                    continue
                if any(self._key_usable(state, k.args) for k in other.all_directives("key")):
                    result.append(State(name, sg.name, contexts=state.contexts))
        return result

    def _key_usable(self, state: State, args: object) -> bool:
        if not isinstance(args, dict) or args.get("resolvable", True) is False:
            return False
        fields = top_level_fields(str(args.get("fields", "")))
        return bool(fields) and all(self.local(state, f) is not None for f in fields)

    def resolvable(self, state: State, field_name: str) -> bool:
        if self.local(state, field_name) is not None:
            return True
        return any(self.local(s, field_name) is not None for s in self.jumps(state))

    def field_state(self, state: State, f: Field) -> State | None:
        """The state at the value of ``f`` fetched from ``state`` (None for a leaf)."""
        sg = self.by_name[state.subgraph]
        td = sg.types.get(named_type(f.type))
        if td is None or td.kind in (TypeKind.ENUM, TypeKind.SCALAR, TypeKind.INPUT):
            return None
        provided = _inherited(state.provided, state.type, f.name) + _own_provides(f)
        contexts = state.contexts | _contexts_set_by(sg, sg.types[state.type])
        return State(td.name, sg.name, provided, contexts)

    def is_interface_object(self, state: State) -> bool:
        td = self.type_def(state)
        return td is not None and td.has("interfaceObject")

    def interface_object_casts(self, state: State, cast: str) -> set[State]:
        """``... on <cast>`` on an @interfaceObject: the subgraph cannot tell the type, so the
        plan stays there for the interface's fields and reaches ``cast`` by a key; without
        such a key the option drops out."""
        reached = {
            State(cast, s.subgraph, contexts=state.contexts)
            for s in [*self.jumps(state), *self._key_targets(state, cast)]
            if cast in self.runtime_types(s) and not self.is_interface_object(s)
        }
        return {state, *reached} if reached else set()

    def _key_targets(self, state: State, type_name: str) -> list[State]:
        return [
            State(type_name, sg.name, contexts=state.contexts)
            for sg, td in self.ctx.defs(type_name)
            if any(self._key_usable(state, k.args) for k in td.all_directives("key"))
        ]

    def runtime_types(self, state: State) -> list[str]:
        """The types a value at ``state`` can have in its subgraph."""
        td = self.type_def(state)
        if td is None or td.kind is TypeKind.OBJECT:
            return [state.type]
        return _possible_types(self.by_name[state.subgraph], td)


def _own_provides(f: Field) -> tuple[Selection, ...]:
    provides = f.directive("provides")
    if provides is None:
        return ()
    try:
        return parse_fieldset(str(provides.args.get("fields", "")))
    except FieldSetSyntaxError:
        return ()


def _matching(provided: tuple[Selection, ...], type_name: str) -> Iterator[Selection]:
    """Field selections applying to ``type_name`` (inline fragments flattened)."""
    for sel in provided:
        if sel.name:
            yield sel
        elif sel.type_condition in (None, type_name):
            yield from _matching(sel.selections, type_name)


def _selected(provided: tuple[Selection, ...], type_name: str, field_name: str) -> bool:
    return any(sel.name == field_name for sel in _matching(provided, type_name))


def _inherited(
    provided: tuple[Selection, ...], type_name: str, field_name: str
) -> tuple[Selection, ...]:
    """What the @provides selected below ``field_name``."""
    return tuple(
        child
        for sel in _matching(provided, type_name)
        if sel.name == field_name
        for child in sel.selections
    )


def _contexts_set_by(sg: Subgraph, td: TypeDef) -> set[str]:
    """Contexts a value of ``td`` sets: its own and those of the interfaces and unions it
    belongs to, and (abstract ``td``) those every possible type sets, as Apollo's
    composition accepts."""
    own = _own_contexts(td)
    for other in sg.types.values():
        if other.name in td.interfaces or td.name in other.members:
            own |= _own_contexts(other)
    possible = [sg.types[n] for n in _possible_types(sg, td) if n in sg.types]
    if possible:
        own |= set.intersection(*(_contexts_set_by(sg, t) for t in possible))
    return own


def _own_contexts(td: TypeDef) -> set[str]:
    return {str(d.args.get("name")) for d in td.all_directives("context")}


def _possible_types(sg: Subgraph, td: TypeDef) -> list[str]:
    if td.kind is TypeKind.UNION:
        return list(td.members)
    if td.kind is TypeKind.INTERFACE:
        return sorted(n for n, t in sg.types.items() if td.name in t.interfaces)
    return []


def _overridden_fields(ctx: MergeContext) -> set[tuple[str, str, str]]:
    result = set()
    for _, td, f in ctx.all_fields():
        override = f.directive("override")
        if override is not None and override.args.get("label") is None:
            result.add((td.name, f.name, str(override.args.get("from"))))
    return result


def _options_for(explorer: Explorer, path: PathState, field_name: str) -> list[State]:
    """Options resolving the field: the open ones, or those reached from them by key jumps."""
    found: list[State] = []
    for option in sorted(path.options, key=lambda o: (o.subgraph, o.type)):
        for source in [option, *explorer.jumps(option)]:
            if source not in found and explorer.local(source, field_name) is not None:
                found.append(source)
    return found


def _next_paths(
    explorer: Explorer, sources: list[State], field_name: str, target: str
) -> dict[tuple[str, str | None], set[State]]:
    """The positions below the field (``target``: its type in the supergraph), each with the
    subgraph options open there: the field itself, and each type condition on it."""
    at_field: set[State] = set()
    for source in sources:
        f = explorer.local(source, field_name)
        assert f is not None
        child = explorer.field_state(source, f)
        if child is not None:
            at_field.add(child)
    if not at_field:
        return {}
    grouped: dict[tuple[str, str | None], set[State]] = {(target, None): at_field}
    merged = explorer.supergraph.type(target)
    for cast in _supergraph_possible_types(explorer.supergraph, merged):
        options = _downcast(explorer, at_field, merged, cast)
        if options:
            grouped[(cast, cast)] = options
    return grouped


def _downcast(
    explorer: Explorer, at_field: set[State], merged: MergedType | None, cast: str
) -> set[State]:
    """The options open inside ``... on <cast>``.

    As in Apollo's composition, if one option can never hold a ``cast`` (its type in its
    subgraph has no runtime type in common: a field that is a union in the supergraph but a
    ``Book`` in this subgraph, under ``... on Song``), a plan through that subgraph never
    enters the fragment, so nothing below it needs a plan: no option is returned. An object
    in the subgraph under an interface of the supergraph (an @interfaceObject among them) is
    the exception: it only drops out.
    """
    interface = merged is not None and merged.kind is TypeKind.INTERFACE
    options: set[State] = set()
    for option in at_field:
        runtime = explorer.runtime_types(option)
        if cast in runtime:
            options.add(State(cast, option.subgraph, option.provided, option.contexts))
        elif explorer.is_interface_object(option):
            options |= explorer.interface_object_casts(option, cast)
        elif not (interface and runtime == [option.type]):  # not an object under an interface
            return set()
    return options


def _supergraph_possible_types(supergraph: Supergraph, merged: MergedType | None) -> list[str]:
    if merged is None:
        return []
    if merged.kind is TypeKind.UNION:
        names = list(merged.member_names)
    elif merged.kind is TypeKind.INTERFACE:
        names = sorted(
            t.name
            for t in supergraph.types
            if t.kind is TypeKind.OBJECT and merged.name in t.interfaces
        )
    else:
        return []
    # The API schema's runtime types: an @inaccessible member is never a query's condition.
    hidden = {t.name for t in supergraph.types if "@inaccessible" in t.applied}
    return [n for n in names if n not in hidden]


def _visit(explorer: Explorer, path: PathState, queue: deque[PathState]) -> None:
    merged = explorer.supergraph.type(path.type)
    if merged is None or merged.kind is TypeKind.INTERFACE:
        # An interface position is only left through its type conditions (Apollo's supergraph
        # query graph has no field edges on interfaces): its fields are checked on each
        # implementation, where the subgraphs may resolve them differently.
        return
    for field in merged.fields:
        if "@inaccessible" in field.applied:
            continue
        sources = _options_for(explorer, path, field.name)
        if not sources:
            report_unsatisfiable(explorer, path, field.name)
            continue
        for (type_name, condition), options in sorted(
            _next_paths(explorer, sources, field.name, named_type(field.type)).items(),
            key=lambda i: (i[0][0], i[0][1] or ""),
        ):
            child = PathState(type_name, frozenset(options))
            if child not in explorer.paths:
                explorer.paths[child] = Step(path, field.name, condition)
                queue.append(child)


def check_satisfiability(ctx: MergeContext, supergraph: Supergraph) -> None:
    explorer = Explorer(ctx, supergraph)
    queue: deque[PathState] = deque()
    for root in supergraph.roots:
        options = frozenset(State(root, sg.name) for sg in ctx.subgraphs if root in sg.types)
        path = PathState(root, options)
        explorer.paths[path] = Step(None, root)
        queue.append(path)
    while queue:
        _visit(explorer, queue.popleft(), queue)
