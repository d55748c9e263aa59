"""Checks of a FieldSet (``@key``/``@requires``/``@provides`` ``fields:``) against a subgraph."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .fieldset import FieldSetSyntaxError, Selection, parse_fieldset
from .model import BUILT_IN_SCALARS, Field, Subgraph, TypeKind, named_type


@dataclass(frozen=True, slots=True)
class Problem:
    """``kind``: invalid, empty_selection, has_args, invalid_type, directive or not_external."""

    kind: str
    message: str
    target: str = ""  # for "empty_selection": the type lacking a selection


@dataclass(frozen=True, slots=True)
class Position:
    """Where a visited field sits in the field set.

    ``under_external``: an enclosing field is @external here, or is a field of an interface
    whose implementation in this subgraph marks it @external. Below such a field the whole
    value comes from another subgraph, so its subfields need no @external of their own.
    """

    depth: int
    leaf: bool
    under_external: bool


Visitor = Callable[[str, Field, Position], Iterator[Problem]]


def is_composite(sg: Subgraph, type_name: str) -> bool:
    td = sg.types.get(type_name)
    return td is not None and td.kind in (TypeKind.OBJECT, TypeKind.INTERFACE, TypeKind.UNION)


def check_fieldset(
    sg: Subgraph, type_name: str, text: str, directive: str, visit: Visitor | None = None
) -> list[Problem]:
    """Problems of ``text`` as a selection on ``type_name``; ``visit`` adds rule-specific ones."""
    try:
        selections = parse_fieldset(text)
    except FieldSetSyntaxError as exc:
        return [Problem("invalid", f"Syntax error: {exc}")]
    return list(
        _walk(sg, type_name, selections, Position(0, False, False), _Rule(directive, visit))
    )


@dataclass(frozen=True, slots=True)
class _Rule:
    directive: str
    visit: Visitor | None


def _walk(
    sg: Subgraph,
    type_name: str,
    selections: tuple[Selection, ...],
    where: Position,
    rule: _Rule,
) -> Iterator[Problem]:
    td = sg.types.get(type_name)
    for sel in selections:
        if sel.directives:
            yield Problem(
                "directive",
                f"cannot have directive applications in the @{rule.directive}(fields:) argument "
                f"but found {sel.directives}.",
            )
        if not sel.name:
            condition = sel.type_condition or type_name
            if condition not in sg.types:
                yield Problem("invalid", f'Unknown type "{condition}"')
                continue
            yield from _walk(sg, condition, sel.selections, where, rule)
            continue
        field = td.field(sel.name) if td is not None else None
        if field is None:
            yield Problem("invalid", f'Cannot query field "{sel.name}" on type "{type_name}"')
            continue
        leaf = Position(where.depth, not sel.selections, where.under_external)
        yield from _check_field(sg, type_name, field, sel, leaf, rule)


def _check_field(
    sg: Subgraph,
    type_name: str,
    field: Field,
    sel: Selection,
    where: Position,
    rule: _Rule,
) -> Iterator[Problem]:
    coordinate = f"{type_name}.{field.name}"
    if field.args:
        yield Problem(
            "has_args",
            f"field {coordinate} cannot be included because it has arguments (fields with "
            f"argument are not allowed in @{rule.directive})",
        )
    if rule.visit is not None:
        extra = list(rule.visit(type_name, field, where))
        yield from extra
        if any(p.kind == "invalid_type" for p in extra):
            return
    target = named_type(field.type)
    if is_composite(sg, target) and not sel.selections:
        yield Problem(
            "empty_selection",
            f'Invalid empty selection set for field "{coordinate}" of non-leaf type {target}',
            target,
        )
    elif not is_composite(sg, target) and sel.selections:
        known = target in sg.types or target in BUILT_IN_SCALARS
        if known:
            yield Problem(
                "invalid",
                f'Field "{coordinate}" must not have a selection since type "{field.type}" has '
                "no subfields",
            )
    else:
        external = where.under_external or _external_here(sg, type_name, field)
        yield from _walk(
            sg, target, sel.selections, Position(where.depth + 1, False, external), rule
        )


def _external_here(sg: Subgraph, type_name: str, field: Field) -> bool:
    """``field`` is @external, or (on an interface) some implementation's field is."""
    if field.has("external"):
        return True
    td = sg.types.get(type_name)
    if td is None or td.kind is not TypeKind.INTERFACE:
        return False
    implementations = (t for t in sg.types.values() if type_name in t.interfaces)
    return any(
        (f := t.field(field.name)) is not None and f.has("external") for t in implementations
    )
