"""The selection a @fromContext argument reads from its context (CONTEXT_INVALID_SELECTION).

The rules are those of Apollo's composition: the selection is one field, or inline fragments
with distinct object type conditions; on each type setting the context, the selected leaves
resolve to one type equal to the argument's type (list wrappers kept, non-null dropped), and
under fragments at least one condition must be a runtime type of each setter and every
condition must be used by some setter.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLSyntaxError, parse

from .fieldset import FieldSetSyntaxError, Selection, parse_fieldset
from .model import Argument, Subgraph, TypeDef, TypeKind


@dataclass(frozen=True, slots=True)
class Use:
    """One @fromContext argument: its context, coordinate and expected type."""

    context: str
    coordinate: str
    arg: Argument

    def invalid(self, reason: str) -> str:
        return f'Context "{self.context}" is used in "{self.coordinate}" but the selection is ' + (
            f"invalid{reason}" if reason.startswith(" for type") else f"invalid: {reason}"
        )


def selection_problems(sg: Subgraph, use: Use, setters: list[TypeDef], text: str) -> list[str]:
    """The CONTEXT_INVALID_SELECTION messages for ``text`` read on each of ``setters``."""
    try:
        selections = _parse(text)
    except GraphQLSyntaxError as exc:
        return [use.invalid(exc.message)]
    except FieldSetSyntaxError as exc:
        spread = "fragment spreads" in str(exc)
        return [use.invalid("fragment spread is not allowed" if spread else str(exc))]
    if not selections:  # graphql-core accepts "{ }", graphql-js does not
        return [use.invalid('Syntax Error: Expected Name, found "}".')]
    shape = _shape(selections)
    if shape is not None:
        return [use.invalid(shape)]
    problems: list[str] = []
    fragments = not selections[0].name
    used: set[str] = set()
    for setter in setters:
        unknown = _unknown_field(sg, setter.name, selections)
        if unknown is not None:
            return [*problems, use.invalid(f" for type {setter.name}. Error: {unknown}")]
        problems += [use.invalid(p) for p in _forbidden(selections)]
        check = _fragments if fragments else _field
        failed = check(sg, use, setter, selections, used, problems)
        if failed:
            return problems
    if fragments:
        conditions = dict.fromkeys(s.type_condition for s in selections if s.type_condition)
        problems += [
            use.invalid(f'type condition "{c}" is never used.') for c in conditions if c not in used
        ]
    return problems


def _parse(text: str) -> tuple[Selection, ...]:
    text = text.strip()
    if text.startswith("{"):
        parse(text, no_location=True)  # a selection set: report its own syntax errors
        text = text[1:-1]
    return parse_fieldset(text)


def _shape(selections: tuple[Selection, ...]) -> str | None:
    """One field, or only inline fragments with distinct type conditions."""
    if not selections:
        return "no selection is made"
    if selections[0].name:
        return "multiple selections are made" if len(selections) > 1 else None
    if any(s.name for s in selections):
        return "multiple fields could be selected"
    conditions = {s.type_condition for s in selections if s.type_condition}
    return "type conditions have same name" if len(conditions) != len(selections) else None


def _unknown_field(sg: Subgraph, type_name: str, selections: tuple[Selection, ...]) -> str | None:
    td = sg.types.get(type_name)
    for s in selections:
        if not s.name:
            condition = s.type_condition or type_name
            if condition not in sg.types:
                return f'Unknown type "{condition}".'
            found = _unknown_field(sg, condition, s.selections)
        elif (field_type := _field_type(td, s.name)) is None:
            return f'Cannot query field "{s.name}" on type "{type_name}".'
        else:
            found = _unknown_field(sg, field_type.strip("[]!"), s.selections)
        if found is not None:
            return found
    return None


def _forbidden(selections: tuple[Selection, ...]) -> list[str]:
    flat = list(_all(selections))
    problems = []
    if any(s.directives for s in flat):
        problems.append("directives are not allowed in the selection")
    if any(s.alias for s in flat):
        problems.append("aliases are not allowed in the selection")
    return problems


def _all(selections: tuple[Selection, ...]) -> list[Selection]:
    return [x for s in selections for x in (s, *_all(s.selections))]


def _field(
    sg: Subgraph,
    use: Use,
    setter: TypeDef,
    selections: tuple[Selection, ...],
    used: set[str],
    problems: list[str],
) -> bool:
    resolved = _resolved_type(sg, setter.name, selections, problems, use)
    if resolved is None or not _matches(resolved, use.arg.type):
        problems.append(
            use.invalid(
                f'the type of the selection "{resolved or "undefined"}" does not match the '
                f'expected type "{use.arg.type}"'
            )
        )
        return True
    return False


def _fragments(
    sg: Subgraph,
    use: Use,
    setter: TypeDef,
    selections: tuple[Selection, ...],
    used: set[str],
    problems: list[str],
) -> bool:
    runtime = _runtime_types(sg, setter)
    kept = []
    for s in selections:
        condition = sg.types.get(s.type_condition or "")
        if condition is None:
            problems.append(use.invalid('inline fragments must have type conditions"'))
        elif condition.kind is not TypeKind.OBJECT:
            problems.append(use.invalid('type conditions must be an object type"'))
        elif condition.name in runtime:
            kept.append(s)
            used.add(condition.name)
    if not kept:
        problems.append(use.invalid(f'no type condition matches the location "{setter.name}"'))
        return True
    for s in kept:
        resolved = _resolved_type(sg, str(s.type_condition), s.selections, problems, use)
        if resolved is None:
            expected = f'expected type "{use.arg.type}"'
            problems.append(use.invalid(f"the type of the selection does not match the {expected}"))
            return True
        if not _matches(resolved, use.arg.type):
            problems.append(
                use.invalid(
                    f'the type of the selection "{resolved}" does not match the expected type '
                    f'"{use.arg.type}"'
                )
            )
            return True
    return False


def _resolved_type(
    sg: Subgraph, type_name: str, selections: tuple[Selection, ...], problems: list[str], use: Use
) -> str | None:
    """The one type the leaves under ``selections`` have (None when they differ)."""
    td = sg.types.get(type_name)
    if td is not None and td.kind is TypeKind.OBJECT and td.has("interfaceObject"):
        # Apollo's message lacks the context's name here.
        problems.append(
            f'Context "is used in "{use.coordinate}" but the selection is invalid: One of the '
            f'types in the selection is an interfaceObject: "{type_name}"'
        )
    types = []
    for s in selections:
        field_type = _field_type(td, s.name)
        if field_type is None:
            return None
        base = field_type.strip("[]!")
        inner = _resolved_type(sg, base, s.selections, problems, use) if s.selections else base
        if inner is None:
            return None
        types.append("[" * field_type.count("[") + inner + "]" * field_type.count("["))
    return types[0] if types and all(t == types[0] for t in types) else None


def _field_type(td: TypeDef | None, name: str) -> str | None:
    if td is None or not name:
        return None
    if name == "__typename" and td.kind in (TypeKind.OBJECT, TypeKind.INTERFACE, TypeKind.UNION):
        return "String!"
    field = td.field(name)
    return field.type if field is not None else None


def _matches(resolved: str, expected: str) -> bool:
    """Apollo compares the selection's type (no non-null left) with the argument's as is, so
    a non-null argument type never matches."""
    if expected.endswith("!"):
        return False
    if resolved.startswith("[") and expected.startswith("["):
        return _matches(resolved[1:-1], expected[1:-1])
    return "[" not in resolved + expected and resolved == expected


def _runtime_types(sg: Subgraph, td: TypeDef) -> set[str]:
    if td.kind is TypeKind.UNION:
        return set(td.members)
    if td.kind is TypeKind.INTERFACE:
        return {
            n for n, t in sg.types.items() if t.kind is TypeKind.OBJECT and td.name in t.interfaces
        }
    return {td.name}
