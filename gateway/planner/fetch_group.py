"""Fetch groups: the mutable work area in which the planner collects what each subgraph request
selects. Once planning is done they are frozen into ``Fetch`` plan nodes (``to_fetch``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import ArgumentNode, ListValueNode, ObjectValueNode, ValueNode, VariableNode

from .operation import Cond, print_arguments
from .plan import KeyRenamer, ReqField, ReqFragment, ReqSelection, ValueSetter

__all__ = ["FetchGroup", "FieldItem", "FragmentItem", "SelTree"]


@dataclass(slots=True, eq=False)
class FieldItem:
    name: str
    alias: str | None
    arguments: tuple[ArgumentNode, ...]
    conditions: tuple[Cond, ...]
    sub: SelTree | None = None
    type_text: str = ""  # the field's type in the fetched subgraph (to detect conflicts)

    @property
    def response_key(self) -> str:
        return self.alias or self.name

    def subtree(self) -> SelTree:
        if self.sub is None:
            self.sub = SelTree()
        return self.sub


@dataclass(slots=True, eq=False)
class FragmentItem:
    type_condition: str | None
    conditions: tuple[Cond, ...]
    sub: SelTree = field(default_factory=lambda: SelTree())


class SelTree:
    """An ordered selection set that merges what is added to it twice."""

    __slots__ = ("_front", "items")

    def __init__(self) -> None:
        self.items: dict[tuple[str, ...], FieldItem | FragmentItem] = {}
        self._front = 0  # how many fields the planner put before the client's (see ``field``)

    def field(
        self,
        name: str,
        alias: str | None = None,
        arguments: tuple[ArgumentNode, ...] = (),
        conditions: tuple[Cond, ...] = (),
        *,
        front: bool = False,
    ) -> FieldItem:
        """The field at this response key, added if new. ``front`` puts a field the planner
        needs (``__typename``, keys, requirements) before the client's fields, as Apollo does."""
        key = ("f", alias or name, *(c.directive() for c in conditions))
        item = self.items.get(key)
        if item is None:
            item = FieldItem(name, alias, arguments, conditions)
            if front:
                entries = list(self.items.items())
                entries.insert(self._front, (key, item))
                self.items = dict(entries)
                self._front += 1
            else:
                self.items[key] = item
        assert isinstance(item, FieldItem)
        return item

    def fragment(self, type_condition: str | None, conditions: tuple[Cond, ...] = ()) -> SelTree:
        if type_condition is None and not conditions:
            return self
        key = ("t", type_condition or "", *(c.directive() for c in conditions))
        item = self.items.get(key)
        if item is None:
            item = self.items[key] = FragmentItem(type_condition, conditions)
        assert isinstance(item, FragmentItem)
        return item.sub

    def find_key(self, response_key: str) -> FieldItem | None:
        """The unconditional field at ``response_key`` at this level, if any."""
        item = self.items.get(("f", response_key))
        return item if isinstance(item, FieldItem) else None

    def is_empty(self) -> bool:
        return not self.items

    def has_fields(self) -> bool:
        """Whether printing selects anything: a fragment that holds no field (all its types
        pruned for this subgraph) is left out of the subgraph operation."""
        return any(
            isinstance(item, FieldItem) or item.sub.has_fields() for item in self.items.values()
        )

    def print(
        self,
        rewrites: list[KeyRenamer] | None = None,
        path: tuple[str, ...] = (),
        scope: _Scope | None = None,
    ) -> str:
        """The selection set as compact GraphQL text.

        Where one response key is selected in a set (across its inline fragments, and across
        the fields of one response key above it: they merge) with types that differ in the
        subgraph (``String`` here, ``String!`` there), the subgraph would reject the operation
        (fields in a set must merge), so the later ones get an alias and a ``KeyRenamer`` in
        ``rewrites`` puts the value back under its key."""
        if not self.has_fields():
            # GraphQL has no empty selection sets; ``__typename`` is valid on every type and
            # the client's response keeps ``{}`` (shaping selects only the client's fields)
            return "{__typename}"
        return self._print_scope(_Scope() if scope is None else scope, rewrites, path)

    def _print_scope(
        self, scope: _Scope, rewrites: list[KeyRenamer] | None, path: tuple[str, ...]
    ) -> str:
        parts: list[str] = []
        for item in self.items.values():
            if isinstance(item, FieldItem):
                alias = item.alias
                if rewrites is not None:
                    alias = _scoped_alias(item, scope.aliases, rewrites, path)
                parts.append(_print_field(item, alias, rewrites, path, scope))
            elif item.sub.has_fields():
                head = "..."
                if item.type_condition:
                    head += f"on {item.type_condition}"
                own, outer = _split_conditions(item.conditions)
                head += "".join(" " + c.directive() for c in own)
                inner = (*path, f"... on {item.type_condition}") if item.type_condition else path
                # an inline fragment's fields belong to the enclosing set: same scope
                parts.append(_wrap(outer, head + item.sub._print_scope(scope, rewrites, inner)))
        return "{" + " ".join(parts) + "}"

    def variables(self, out: set[str]) -> None:
        """The variables the printed selection uses (what ``print`` leaves out uses none)."""
        for item in self.items.values():
            if isinstance(item, FragmentItem) and not item.sub.has_fields():
                continue
            for c in item.conditions:
                out.add(c.variable)
            if isinstance(item, FieldItem):
                for arg in item.arguments:
                    _value_variables(arg.value, out)
                if item.sub is not None:
                    item.sub.variables(out)
            else:
                item.sub.variables(out)

    def to_requires(self) -> tuple[ReqSelection, ...]:
        out: list[ReqSelection] = []
        for item in self.items.values():
            if isinstance(item, FieldItem):
                sub = item.sub.to_requires() if item.sub is not None else ()
                out.append(ReqField(item.name, item.response_key, sub))
            else:
                assert item.type_condition is not None
                out.append(ReqFragment(item.type_condition, item.sub.to_requires()))
        return tuple(out)


def _scoped_alias(
    item: FieldItem,
    seen: dict[tuple[str, str], str | None],
    rewrites: list[KeyRenamer],
    path: tuple[str, ...],
) -> str | None:
    key = item.response_key
    if (key, item.type_text) not in seen:
        first = not any(k == key for k, _ in seen)
        # numbered across the whole operation, so that every alias names one place
        n = len({r.path[-1] for r in rewrites if r.rename_key_to == key})
        seen[key, item.type_text] = None if first else f"{key}__fedgate_{n}"
    alias = seen[key, item.type_text]
    if alias is None:
        return item.alias  # the key's first type: as the client wrote it
    renamer = KeyRenamer((*path, alias), key)
    if renamer not in rewrites:
        rewrites.append(renamer)
    return alias


class _Scope:
    """One selection set being printed, across its inline fragments. ``aliases``: the alias
    each (response key, type) is printed under (None: the key's first type, printed as the
    client wrote it); each other type has one alias of its own, so a key selected twice with
    one type (e.g. under two conditions) merges. ``children``: the scope below each printed
    key, shared by the fields the subgraph merges into one."""

    __slots__ = ("aliases", "children")

    def __init__(self) -> None:
        self.aliases: dict[tuple[str, str], str | None] = {}
        self.children: dict[str, _Scope] = {}


def _print_field(
    item: FieldItem,
    alias: str | None,
    rewrites: list[KeyRenamer] | None,
    path: tuple[str, ...],
    scope: _Scope,
) -> str:
    text = f"{alias}:{item.name}" if alias else item.name
    text += print_arguments(item.arguments)
    own, outer = _split_conditions(item.conditions)
    text += "".join(" " + c.directive() for c in own)
    if item.sub is not None:
        key = alias or item.name
        child = scope.children.setdefault(key, _Scope())
        text += item.sub.print(rewrites, (*path, key), child)
    return _wrap(outer, text)


def _split_conditions(conds: tuple[Cond, ...]) -> tuple[list[Cond], list[Cond]]:
    """(the conditions one location can carry, the rest): ``@skip`` and ``@include`` are not
    repeatable, so a second one of a kind (conditions gathered from nested fragments) goes on
    an enclosing ``...`` fragment instead."""
    own: list[Cond] = []
    outer: list[Cond] = []
    for c in reversed(conds):  # the innermost condition stays on the location itself
        (outer if any(o.include == c.include for o in own) else own).append(c)
    return own[::-1], outer[::-1]


def _wrap(conds: list[Cond], text: str) -> str:
    for c in reversed(conds):
        text = f"...{c.directive()}{{{text}}}"
    return text


def _value_variables(value: ValueNode, out: set[str]) -> None:
    if isinstance(value, VariableNode):
        out.add(value.name.value)
    elif isinstance(value, ListValueNode):
        for v in value.values:
            _value_variables(v, out)
    elif isinstance(value, ObjectValueNode):
        for f in value.fields:
            _value_variables(f.value, out)


@dataclass(slots=True, eq=False)
class FetchGroup:
    id: int
    subgraph: str
    path: tuple[str, ...]
    is_entity: bool
    parent: FetchGroup | None = None
    selection: SelTree = field(default_factory=SelTree)
    # the representation selection: one ``... on T`` fragment per entity type
    requires: SelTree = field(default_factory=SelTree)
    deps: set[int] = field(default_factory=set)
    # conditions that hold wherever the group's entities come from (None: not entered yet)
    conditions: tuple[Cond, ...] | None = None
    # representation rewrites, per entity type (``__typename`` → an @interfaceObject's name)
    input_rewrites: dict[str, ValueSetter] = field(default_factory=dict)
    # @fromContext arguments passed as variables: their types, and where each value is read
    context_variables: dict[str, str] = field(default_factory=dict)
    context_rewrites: list[KeyRenamer] = field(default_factory=list)
    # @defer: the deferred block (``DeferMark.index``) this fetch belongs to; None: primary
    defer: int | None = None
