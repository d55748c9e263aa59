"""FieldSet strings (``@key(fields:)``, ``@requires``, ``@provides``) as selection trees."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from graphql import (
    FieldNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
)


@dataclass(frozen=True, slots=True)
class Selection:
    name: str  # "" for an inline fragment
    selections: tuple[Selection, ...] = ()
    type_condition: str | None = None
    has_args: bool = False
    directives: str = ""  # printed directive applications, if any
    alias: str | None = None


class FieldSetSyntaxError(ValueError):
    pass


@lru_cache(maxsize=4096)
def parse_fieldset(text: str) -> tuple[Selection, ...]:
    try:
        doc = parse("{" + text + "}", no_location=True)
    except GraphQLSyntaxError as exc:
        raise FieldSetSyntaxError(exc.message) from exc
    op = doc.definitions[0]
    if not isinstance(op, OperationDefinitionNode) or len(doc.definitions) != 1:
        raise FieldSetSyntaxError("a field set cannot contain fragment definitions")
    return _convert(op.selection_set)


def _convert(node: SelectionSetNode | None) -> tuple[Selection, ...]:
    result = []
    for sel in node.selections if node else ():
        if isinstance(sel, FieldNode):
            result.append(
                Selection(
                    name=sel.name.value,
                    selections=_convert(sel.selection_set),
                    has_args=bool(sel.arguments),
                    directives=_directives(sel),
                    alias=sel.alias.value if sel.alias else None,
                )
            )
        elif isinstance(sel, InlineFragmentNode):
            condition = sel.type_condition.name.value if sel.type_condition else None
            result.append(
                Selection(
                    name="",
                    selections=_convert(sel.selection_set),
                    type_condition=condition,
                    directives=_directives(sel),
                )
            )
        else:
            raise FieldSetSyntaxError("a field set cannot contain named fragment spreads")
    return tuple(result)


def _directives(node: FieldNode | InlineFragmentNode) -> str:
    return " ".join(print_ast(d) for d in node.directives or ())


def top_level_fields(text: str) -> frozenset[str]:
    """Names of the fields selected at the top level (empty when the set is invalid)."""
    try:
        return frozenset(s.name for s in parse_fieldset(text) if s.name)
    except FieldSetSyntaxError:
        return frozenset()
