"""Placement rules of @shareable, @cost, @listSize, @context and @fromContext in a subgraph."""

from __future__ import annotations

import re

from .errors import subgraph_error
from .model import (
    CompositionError,
    Directive,
    Field,
    Subgraph,
    TypeDef,
    TypeKind,
    find_directive,
    named_type,
)


def _shareable(sg: Subgraph, td: TypeDef, f: Field) -> list[CompositionError]:
    directive = f.directive("shareable")
    if directive is None or td.kind is not TypeKind.INTERFACE:
        return []
    coordinate = f"{td.name}.{f.name}"
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


def _context_names(sg: Subgraph) -> set[str]:
    return {
        str(d.args.get("name")) for td in sg.types.values() for d in td.all_directives("context")
    }


def _contexts_set(sg: Subgraph, td: TypeDef) -> list[CompositionError]:
    errors = []
    for directive in td.all_directives("context"):
        name = str(directive.args.get("name", ""))
        if "_" in name or not re.match(r"^[A-Za-z]\w*$", name):
            errors.append(
                subgraph_error(
                    sg,
                    "CONTEXT_NAME_INVALID",
                    f'Context name "{name}" may not contain an underscore.'
                    if "_" in name
                    else f'Context name "{name}" is invalid. It should have only alphanumeric '
                    "characters.",
                    element=td.name,
                    loc=directive.loc,
                    fix="Use a context name made of letters and digits only.",
                )
            )
    return errors


def _contexts_used(sg: Subgraph, td: TypeDef, f: Field, known: set[str]) -> list[CompositionError]:
    errors = []
    for arg in f.args:
        directive = find_directive(arg.directives, "fromContext")
        match = (
            re.match(r"^\s*\$(\w+)", str(directive.args.get("field", ""))) if directive else None
        )
        if directive is None or (match is not None and match.group(1) in known):
            continue
        name = match.group(1) if match else ""
        coordinate = f"{td.name}.{f.name}({arg.name}:)"
        errors.append(
            subgraph_error(
                sg,
                "CONTEXT_NOT_SET",
                f'Context "{name}" is used at location "{coordinate}" but is never set.',
                element=coordinate,
                loc=directive.loc,
                fix=f'Set the context with @context(name: "{name}") on a type whose fields lead '
                "to this field.",
            )
        )
    return errors


def validate_directive_usage(sg: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    known = _context_names(sg)
    for td in sg.types.values():
        errors.extend(_contexts_set(sg, td))
        for f in td.fields:
            errors.extend(_shareable(sg, td, f))
            errors.extend(_cost(sg, td, f))
            errors.extend(_contexts_used(sg, td, f, known))
    return errors
