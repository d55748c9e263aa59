"""The root field of a subgraph operation the planner made (a subscription's primary fetch,
a publish mutation): its response key, arguments and selection, parsed once per text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import FieldNode, OperationDefinitionNode, parse, value_from_ast_untyped

__all__ = ["RootField", "arguments", "root_fields"]


@dataclass(frozen=True, slots=True)
class RootField:
    node: FieldNode

    @property
    def name(self) -> str:
        return self.node.name.value

    @property
    def response_key(self) -> str:
        return self.node.alias.value if self.node.alias else self.node.name.value

    def selected(self) -> tuple[tuple[str, str], ...]:
        """(response key, field name) of each field selected under it."""
        selection = self.node.selection_set
        if selection is None:
            return ()
        return tuple(
            (s.alias.value if s.alias else s.name.value, s.name.value)
            for s in selection.selections
            if isinstance(s, FieldNode)
        )


@lru_cache(maxsize=256)
def root_fields(operation: str) -> tuple[RootField, ...]:
    document = parse(operation, no_location=True)
    op = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return tuple(RootField(s) for s in op.selection_set.selections if isinstance(s, FieldNode))


def arguments(field: RootField, variables: Mapping[str, Any]) -> dict[str, Any]:
    return {
        a.name.value: value_from_ast_untyped(a.value, dict(variables))
        for a in field.node.arguments or ()
    }
