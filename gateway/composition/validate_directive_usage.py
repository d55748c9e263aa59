"""Placement rules of @shareable, @cost, @listSize, @context and @fromContext in a subgraph."""

from __future__ import annotations

from .errors import subgraph_error
from .model import (
    CompositionError,
    Directive,
    Field,
    Subgraph,
    TypeDef,
    TypeKind,
    named_type,
)
from .validate_context import validate_contexts


def _shareable(sg: Subgraph, td: TypeDef, f: Field) -> list[CompositionError]:
    directive = f.directive("shareable")
    coordinate = f"{td.name}.{f.name}"
    if directive is not None and td.name == "Subscription" and not sg.fed1:
        return [
            subgraph_error(
                sg,
                "INVALID_FIELD_SHARING",
                "Fields on root level subscription object cannot be marked as shareable",
                element=coordinate,
                loc=directive.loc,
                prefix=False,
                fix="Remove @shareable: a subscription field is resolved by one subgraph only.",
            )
        ]
    if directive is None or td.kind is not TypeKind.INTERFACE:
        return []
    return [
        subgraph_error(
            sg,
            "INVALID_SHAREABLE_USAGE",
            f'Invalid use of @shareable on field "{coordinate}": only object type fields can be '
            "marked with @shareable",
            element=coordinate,
            loc=directive.loc,
            fix="Remove @shareable from the interface field (mark the implementations instead).",
        )
    ]


def _cost(sg: Subgraph, td: TypeDef, f: Field) -> list[CompositionError]:
    coordinate = f"{td.name}.{f.name}"
    errors = []
    cost = f.directive("cost")
    if cost is not None and td.kind is TypeKind.INTERFACE:
        errors.append(
            subgraph_error(
                sg,
                "COST_APPLIED_TO_INTERFACE_FIELD",
                f'@cost cannot be applied to interface "{coordinate}"',
                element=coordinate,
                loc=cost.loc,
                fix="Put @cost on the fields of the implementing object types instead.",
            )
        )
    list_size = f.directive("listSize")
    if list_size is not None:
        errors += [
            subgraph_error(sg, code, message, element=coordinate, loc=list_size.loc, fix=fix)
            for code, message, fix in _list_size_problems(sg, coordinate, f, list_size)
        ]
    return errors


def _names(directive: Directive, argument: str) -> list[str]:
    value = directive.args.get(argument)
    return [str(v) for v in value] if isinstance(value, list) else []


def _list_size_problems(
    sg: Subgraph, coordinate: str, f: Field, list_size: Directive
) -> list[tuple[str, str, str]]:
    """(code, message, fix) of each problem of a @listSize application."""
    problems = []
    sized = _names(list_size, "sizedFields")
    target = sg.types.get(named_type(f.type))
    if not f.type.startswith("[") and not sized:
        problems.append(
            (
                "LIST_SIZE_APPLIED_TO_NON_LIST",
                f'"{coordinate}" is not a list',
                "Use @listSize only on fields returning a list (or use sizedFields).",
            )
        )
    size = list_size.args.get("assumedSize")
    if isinstance(size, int) and size < 0:
        problems.append(
            (
                "LIST_SIZE_INVALID_ASSUMED_SIZE",
                f'Assumed size of "{coordinate}" cannot be negative',
                "Use an assumedSize of 0 or more.",
            )
        )
    for name in _names(list_size, "slicingArguments"):
        if f.arg(str(name)) is None:
            problems.append(
                (
                    "LIST_SIZE_INVALID_SLICING_ARGUMENT",
                    f'Slicing argument "{name}" is not an argument of "{coordinate}"',
                    "Name only arguments of the field in slicingArguments.",
                )
            )
    for name in sized:
        if target is None or target.field(name) is None:
            type_name = named_type(f.type)
            problems.append(
                (
                    "LIST_SIZE_INVALID_SIZED_FIELD",
                    f'Sized field "{name}" is not a field on type "{type_name}"',
                    "Name only fields of the returned type in sizedFields.",
                )
            )
    return problems


def validate_directive_usage(sg: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = validate_contexts(sg)
    for td in sg.types.values():
        for f in td.fields:
            errors.extend(_shareable(sg, td, f))
            errors.extend(_cost(sg, td, f))
    return errors
