"""Known deviations of both references from the GraphQL spec (issue 8: "where the references
disagree with the spec, follow the spec"; docs/decisions/0015-references-against-the-spec.md).

Where Hive and Apollo agree on an answer the spec rules out and fedgate gives the spec's answer,
the operation counts as "references wrong (spec)" (column ``spec``), not as fedgate the odd one
out. A deviation is known in one of two ways:

- **listed**: a regression file with a ``"spec"`` answer, for that exact operation and those
  variables (``regressions.spec_answers``);
- **recognised**: fedgate's data equals the references' except at objects where they answer
  ``{}`` and fedgate answers fields, or where they leave out fields that are selected only
  under such a type condition (``{ categories { ... on SearchResult { ... on Category { name } }
  id } }`` answers ``[{id}]``), and at each such object the operation selects through a
  type condition the references are known to drop:
  (a) an inline fragment on a union or interface other than the field's own type, around a
  fragment that applies (``{ categories { ... on SearchResult { ... on Category { id } } } }``:
  DoesFragmentTypeApply(Category, SearchResult) is true, CollectFields keeps ``id``);
  (b) a fragment on an object type under a field whose interface some subgraph serves as an
  ``@interfaceObject`` (they let that subgraph's ``__typename``, the interface's name, overwrite
  the concrete type, which no runtime type can be).

Also recognised: (c) every root selection is excluded by a literal ``@skip(if: true)`` or
``@include(if: false)``, fedgate answers ``{}`` without errors and both references answer only
errors (they plan the excluded fields anyway and fail where planning them fails, as on
``corpus-c7-node-external-id``'s ``node { id }``; CollectFields drops them, nothing executes).

Anything else where fedgate differs stays the odd one out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
    parse,
)

from .compare import Outcome

__all__ = ["interface_objects", "recognised"]

_Sets = list[tuple[SelectionSetNode, str]]  # selection sets at one position, with their type


def interface_objects(sdl: str) -> frozenset[str]:
    """Interfaces some subgraph serves as an ``@interfaceObject`` (join__type)."""
    found = re.finditer(r"^interface\s+(\w+)([^{]*)\{", sdl, re.MULTILINE)
    return frozenset(m.group(1) for m in found if "isInterfaceObject: true" in m.group(2))


def recognised(
    schema: GraphQLSchema,
    iface_objects: frozenset[str],
    text: str,
    fedgate: Outcome,
    refs: Outcome,
) -> bool:
    """Whether fedgate's answer differs from the references' only by a recognised deviation."""
    try:
        document = parse(text, no_location=True)
    except GraphQLError:  # a text the generator made; unparsable: not recognised
        return False
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(ops) != 1 or ops[0].operation.value != "query" or schema.query_type is None:
        return False
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if refs.errors and refs.data is None and not fedgate.errors and fedgate.data == {}:
        return _excluded(ops[0].selection_set, fragments)  # (c)
    if fedgate.errors != refs.errors or fedgate.data == refs.data:
        return False
    walk = _Walk(schema, iface_objects, fragments)
    found: list[bool] = []
    same = walk.equal(
        fedgate.data, refs.data, [(ops[0].selection_set, schema.query_type.name)], found
    )
    return same and bool(found)


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        iface_objects: frozenset[str],
        fragments: dict[str, FragmentDefinitionNode],
    ) -> None:
        self.schema = schema
        self.iface_objects = iface_objects
        self.fragments = fragments

    def equal(self, got: Any, want: Any, sets: _Sets, found: list[bool]) -> bool:
        if isinstance(got, list) and isinstance(want, list):
            return len(got) == len(want) and all(
                self.equal(g, w, sets, found) for g, w in zip(got, want, strict=True)
            )
        if not (isinstance(got, dict) and isinstance(want, dict)):
            return bool(got == want)
        if want == {} and got and self._deviates(sets):
            found.append(True)
            return True
        if set(got) > set(want) and set(got) - set(want) <= self._dropped_keys(sets):
            found.append(True)  # they dropped only the fields under such a type condition
        elif set(got) != set(want):
            return False
        return all(self.equal(got[k], want[k], self._children(sets, k), found) for k in want)

    def _children(self, sets: _Sets, key: str) -> _Sets:
        out: _Sets = []
        for node, parent in self._fields(sets, key):
            if node.selection_set is None:
                continue
            named = self._field_type(parent, node.name.value)
            if named is not None:
                out.append((node.selection_set, named))
        return out

    def _fields(self, sets: _Sets, key: str) -> Iterator[tuple[FieldNode, str]]:
        for selection_set, parent in sets:
            for sel, at in self._flat(selection_set, parent):
                if isinstance(sel, FieldNode) and (sel.alias or sel.name).value == key:
                    yield sel, at

    def _flat(self, selection_set: SelectionSetNode, parent: str) -> Iterator[tuple[Any, str]]:
        """Every selection of a set, fragments opened, each with the type it is selected on."""
        for sel in selection_set.selections:
            if isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition.name.value if sel.type_condition else parent
                yield sel, parent
                yield from self._flat(sel.selection_set, cond)
            elif isinstance(sel, FragmentSpreadNode):
                definition = self.fragments.get(sel.name.value)
                if definition is not None:
                    yield definition, parent  # its type condition counts like an inline one
                    yield from self._flat(
                        definition.selection_set, definition.type_condition.name.value
                    )
            else:
                yield sel, parent

    def _field_type(self, parent: str, name: str) -> str | None:
        t = self.schema.type_map.get(parent)
        if not isinstance(t, GraphQLObjectType | GraphQLInterfaceType):
            return None
        field = t.fields.get(name)
        return get_named_type(field.type).name if field is not None else None

    def _deviates(self, sets: _Sets) -> bool:
        return any(True for _ in self._deviating(sets))

    def _dropped_keys(self, sets: _Sets) -> set[str]:
        """Response keys of the fields selected under a type condition the references drop."""
        keys: set[str] = set()
        for node, cond in self._deviating(sets):
            for sel, _ in self._flat(node.selection_set, cond):
                if isinstance(sel, FieldNode):
                    keys.add((sel.alias or sel.name).value)
        return keys

    def _deviating(
        self, sets: _Sets
    ) -> Iterator[tuple[InlineFragmentNode | FragmentDefinitionNode, str]]:
        for selection_set, own in sets:
            for sel, _ in self._flat(selection_set, own):
                fragment = isinstance(sel, InlineFragmentNode | FragmentDefinitionNode)
                if not fragment or sel.type_condition is None:
                    continue
                cond = self.schema.type_map.get(sel.type_condition.name.value)
                abstract = isinstance(cond, GraphQLUnionType | GraphQLInterfaceType)
                if abstract and cond is not None and cond.name != own:
                    yield sel, cond.name  # (a)
                elif isinstance(cond, GraphQLObjectType) and own in self.iface_objects:
                    yield sel, cond.name  # (b)


def _excluded(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> bool:
    """Every selection is dropped by a literal condition (a fragment: it or all inside it)."""
    for sel in selection_set.selections:
        if _literally_off(sel):
            continue
        if isinstance(sel, InlineFragmentNode):
            inner: SelectionSetNode | None = sel.selection_set
        elif isinstance(sel, FragmentSpreadNode):
            definition = fragments.get(sel.name.value)
            inner = definition.selection_set if definition is not None else None
        else:
            return False
        if inner is None or not _excluded(inner, fragments):
            return False
    return True


def _literally_off(sel: SelectionNode) -> bool:
    for directive in sel.directives or ():
        name = directive.name.value
        for argument in directive.arguments or ():
            value = argument.value
            if argument.name.value != "if" or not isinstance(value, BooleanValueNode):
                continue
            if (name == "skip" and value.value) or (name == "include" and not value.value):
                return True
    return False
