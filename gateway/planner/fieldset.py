"""Field sets (``@key``/``@requires``/``@provides`` arguments) parsed into planner selections."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError, OperationDefinitionNode, parse

from ..errors import SupergraphError
from .operation import Field, Fragment, Selection, _selections

__all__ = ["FieldSet", "parse_field_set"]


@dataclass(frozen=True, slots=True)
class FieldSet:
    type_name: str
    text: str
    selections: tuple[Selection, ...]

    def top_level_names(self) -> frozenset[str]:
        return frozenset(_names(self.selections))


def _names(selections: tuple[Selection, ...]) -> list[str]:
    out: list[str] = []
    for s in selections:
        if isinstance(s, Field):
            out.append(s.name)
        elif isinstance(s, Fragment):
            out.extend(_names(s.selections))
    return out


def parse_field_set(type_name: str, text: str) -> FieldSet:
    try:
        doc = parse("{" + text + "}", no_location=True)
    except GraphQLError as error:
        raise SupergraphError(
            f"invalid field set {text!r} on {type_name}: {error.message}"
        ) from None
    op = doc.definitions[0]
    assert isinstance(op, OperationDefinitionNode)
    return FieldSet(type_name, text, _selections(op.selection_set, {}))
