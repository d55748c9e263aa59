"""Shrink an operation while a property holds: drop selections, fragments, arguments,
directives and aliases, one at a time, keeping only valid operations (greedy, first-fit).

The candidates are built with graphql-core's ``visit`` (AST nodes are immutable; the visitor
returns replacements), then unused fragments and variables are dropped so the result is valid.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

from graphql import (
    BREAK,
    REMOVE,
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    NameNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from .generator import Operation

__all__ = ["candidates", "shrink"]

Property = Callable[[Operation], Awaitable[bool]]
_TYPENAME = SelectionSetNode(selections=(FieldNode(name=NameNode(value="__typename")),))


async def shrink(operation: Operation, holds: Property, *, budget: int = 250) -> Operation:
    """The smallest operation reached from ``operation`` for which ``holds`` stays true."""
    current = operation
    tries = 0
    improved = True
    while improved and tries < budget:
        improved = False
        for candidate in candidates(current):
            tries += 1
            if await holds(candidate):
                current, improved = candidate, True
                break
            if tries >= budget:
                break
    return current


def candidates(operation: Operation) -> Iterator[Operation]:
    document = parse(operation.text, no_location=True)
    seen = {operation.text}
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for action, target in _targets(document):
        changed = visit(document, _Apply(action, target, fragments))
        text = print_ast(_clean(changed))
        if text not in seen:
            seen.add(text)
            yield Operation(text, _used_values(text, operation.variables))


def _targets(document: DocumentNode) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []

    class Collect(Visitor):
        def enter(self, node: Node, *_args: Any) -> None:
            ident = id(node)
            if isinstance(node, FieldNode | InlineFragmentNode | FragmentSpreadNode):
                found.append(("remove", ident))
            if isinstance(node, FieldNode) and node.selection_set is not None:
                found.append(("typename", ident))
            if isinstance(node, InlineFragmentNode):
                found.append(("unwrap", ident))
            if isinstance(node, FragmentSpreadNode):
                found.append(("inline", ident))
            if isinstance(node, DirectiveNode):
                found.append(("remove", ident))
            if isinstance(node, ArgumentNode):
                found.append(("remove", ident))
            if isinstance(node, FieldNode) and node.alias is not None:
                found.append(("unalias", ident))

    visit(document, Collect())
    # Big cuts first: whole selections before their arguments and directives.
    order = {"remove": 0, "typename": 1, "inline": 2, "unwrap": 3, "unalias": 4}
    return sorted(found, key=lambda t: order[t[0]])


class _Apply(Visitor):
    def __init__(
        self, action: str, target: int, fragments: dict[str, FragmentDefinitionNode]
    ) -> None:
        super().__init__()
        self.action = action
        self.target = target
        self.fragments = fragments

    def enter(self, node: Node, *_args: Any) -> Any:
        if self.action == "unwrap" and isinstance(node, SelectionSetNode):
            return self._unwrap(node)
        if id(node) != self.target or self.action == "unwrap":
            return None
        if self.action == "remove":
            return REMOVE
        if self.action == "typename" and isinstance(node, FieldNode):
            return replace(node, selection_set=_TYPENAME)
        if self.action == "unalias" and isinstance(node, FieldNode):
            return replace(node, alias=None)
        if self.action == "inline" and isinstance(node, FragmentSpreadNode):
            fragment = self.fragments[node.name.value]
            return InlineFragmentNode(
                type_condition=fragment.type_condition,
                directives=node.directives,
                selection_set=fragment.selection_set,
            )
        return BREAK

    def _unwrap(self, node: SelectionSetNode) -> Any:
        """Splice the target inline fragment's selections into its parent selection set (at
        enter time: the visitor hands ``leave`` rebuilt nodes, with other identities)."""
        if not any(id(child) == self.target for child in node.selections):
            return None
        selections: list[Any] = []
        for child in node.selections:
            if id(child) == self.target and isinstance(child, InlineFragmentNode):
                selections.extend(child.selection_set.selections)
            else:
                selections.append(child)
        return replace(node, selections=tuple(selections))


def _clean(document: DocumentNode) -> DocumentNode:
    """Drop fragments nothing spreads and variables nothing uses (validation demands both)."""
    definitions = list(document.definitions)
    while True:
        used = _names(DocumentNode(definitions=tuple(definitions)), FragmentSpreadNode)
        kept = [
            d
            for d in definitions
            if not isinstance(d, FragmentDefinitionNode) or d.name.value in used
        ]
        if len(kept) == len(definitions):
            break
        definitions = kept
    variables = _names(DocumentNode(definitions=tuple(definitions)), VariableNode)
    cleaned = []
    for definition in definitions:
        if isinstance(definition, OperationDefinitionNode):
            kept_vars = tuple(
                v
                for v in definition.variable_definitions or ()
                if v.variable.name.value in variables
            )
            definition = replace(definition, variable_definitions=kept_vars)
        cleaned.append(definition)
    return DocumentNode(definitions=tuple(cleaned))


def _names(document: DocumentNode, kind: type) -> set[str]:
    names: set[str] = set()

    class Collect(Visitor):
        def enter(self, node: Node, key: Any, parent: Any, *_args: Any) -> None:
            # a variable definition's own VariableNode is not a use
            if isinstance(node, kind) and not _is_definition(parent):
                names.add(node.name.value)  # type: ignore[attr-defined]

    visit(document, Collect())
    return names


def _is_definition(parent: Any) -> bool:
    return type(parent).__name__ == "VariableDefinitionNode"


def _used_values(text: str, values: dict[str, Any]) -> dict[str, Any]:
    return {n: v for n, v in values.items() if re.search(rf"\${re.escape(n)}\b", text)}
