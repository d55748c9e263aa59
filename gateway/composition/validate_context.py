"""@context and @fromContext: names, and the selection an argument takes from its context."""

from __future__ import annotations

import re

from graphql import GraphQLSyntaxError, parse

from .errors import subgraph_error
from .fieldset import FieldSetSyntaxError, Selection, parse_fieldset
from .model import (
    Argument,
    CompositionError,
    Directive,
    Subgraph,
    TypeDef,
    TypeKind,
    find_directive,
)

REFERENCE = re.compile(r"^\s*\$(\w+)(.*)$", re.DOTALL)


def _setters(sg: Subgraph) -> dict[str, list[TypeDef]]:
    """Context name -> the types setting it."""
    found: dict[str, list[TypeDef]] = {}
    for td in sg.types.values():
        for directive in td.all_directives("context"):
            found.setdefault(str(directive.args.get("name")), []).append(td)
    return found


def _name_errors(sg: Subgraph, td: TypeDef) -> list[CompositionError]:
    errors = []
    for directive in td.all_directives("context"):
        name = str(directive.args.get("name", ""))
        if "_" in name or not re.match(r"^[A-Za-z]\w*$", name):
            message = (
                f'Context name "{name}" may not contain an underscore.'
                if "_" in name
                else f'Context name "{name}" is invalid. It should have only alphanumeric '
                "characters."
            )
            errors.append(
                subgraph_error(
                    sg,
                    "CONTEXT_NAME_INVALID",
                    message,
                    element=td.name,
                    loc=directive.loc,
                    fix="Use a context name made of letters and digits only.",
                )
            )
    return errors


def _selection_problem(sg: Subgraph, setter: TypeDef, text: str, arg: Argument) -> str | None:
    """Why ``text`` cannot give ``arg`` its value on ``setter`` (None when it can)."""
    text = text.strip()
    try:
        if text.startswith("{"):
            parse(text, no_location=True)  # a selection set: report its own syntax errors
            text = text[1:-1]
        selections: tuple[Selection, ...] = parse_fieldset(text)
    except GraphQLSyntaxError as exc:
        return f": {exc.message}"
    except FieldSetSyntaxError as exc:
        return f": {exc}"
    selections = applying_to(sg, setter, selections)
    td: TypeDef | None = setter
    field_type = ""
    while selections:
        if len(selections) > 1:
            return ": multiple selections are made"
        field = td.field(selections[0].name) if td is not None else None
        if field is None:
            name = selections[0].name
            return (
                f" for type {setter.name}. Error: Cannot query field "
                f'"{name}" on type "{setter.name}".'
            )
        field_type, selections = field.type, selections[0].selections
        td = sg.types.get(field_type.strip("[]!"))
    field_type = field_type.removesuffix("!")  # Apollo compares the nullable type
    if field_type != arg.type:
        return (
            f': the type of the selection "{field_type}" does not match the expected type '
            f'"{arg.type}"'
        )
    return None


def applying_to(
    sg: Subgraph, setter: TypeDef, selections: tuple[Selection, ...]
) -> tuple[Selection, ...]:
    """The selections that apply to a value of ``setter``: fields, and the fields of inline
    fragments whose type condition it satisfies (``$ctx ... on A { x } ... on B { y }``)."""
    out: list[Selection] = []
    for s in selections:
        if s.name:
            out.append(s)
        elif s.type_condition in (None, setter.name) or _implements(sg, setter, s.type_condition):
            out.extend(applying_to(sg, setter, s.selections))
    return tuple(out)


def _implements(sg: Subgraph, setter: TypeDef, condition: str | None) -> bool:
    target = sg.types.get(condition or "")
    if target is None:
        return False
    return condition in setter.interfaces or setter.name in target.members


def context_fields(sg: Subgraph) -> set[tuple[str, str]]:
    """(type, field) pairs that @fromContext selections read on the types setting them:
    a use of an @external field, as a @requires is."""
    setters = _setters(sg)
    used: set[tuple[str, str]] = set()
    for td in sg.types.values():
        for f in td.fields:
            for arg in f.args:
                directive = find_directive(arg.directives, "fromContext")
                match = REFERENCE.match(str(directive.args.get("field", ""))) if directive else None
                if match is None:
                    continue
                text = match.group(2).strip()
                if text.startswith("{") and text.endswith("}"):
                    text = text[1:-1]
                try:
                    selections = parse_fieldset(text)
                except FieldSetSyntaxError:
                    continue
                for setter in setters.get(match.group(1), []):
                    used.update((setter.name, s.name) for s in applying_to(sg, setter, selections))
    return used


def _argument_errors(
    sg: Subgraph,
    coordinate: str,
    arg: Argument,
    directive: Directive,
    setters: dict[str, list[TypeDef]],
) -> list[CompositionError]:
    value = str(directive.args.get("field", ""))
    match = REFERENCE.match(value)
    if match is None:
        code = "NO_CONTEXT_IN_SELECTION"
        message = f'@fromContext argument does not reference a context "{value}".'
    elif match.group(1) not in setters:
        code = "CONTEXT_NOT_SET"
        message = f'Context "{match.group(1)}" is used at location "{coordinate}" but is never set.'
    else:
        problems = [_selection_problem(sg, t, match.group(2), arg) for t in setters[match.group(1)]]
        problem = next((p for p in problems if p is not None), None)
        if problem is None:
            return []
        code = "CONTEXT_INVALID_SELECTION"
        message = (
            f'Context "{match.group(1)}" is used in "{coordinate}" but the selection is invalid'
            f"{problem}"
        )
    return [
        subgraph_error(sg, code, message, element=coordinate, loc=directive.loc, fix=FIXES[code])
    ]


FIXES = {
    "NO_CONTEXT_IN_SELECTION": 'Start the field value with the context, e.g. "$ctx { id }".',
    "CONTEXT_NOT_SET": "Set the context with @context(name: ...) on a type whose fields lead to "
    "this field.",
    "CONTEXT_INVALID_SELECTION": "Select exactly one existing field of the context's type, of "
    "the argument's type.",
}


def _key_error(sg: Subgraph, td: TypeDef) -> list[CompositionError]:
    """The value travels as a variable of an ``_entities`` call: the type needs a key."""
    uses = any(find_directive(a.directives, "fromContext") for f in td.fields for a in f.args)
    if not uses or td.kind is not TypeKind.OBJECT:
        return []
    keys = td.all_directives("key")
    if any(k.args.get("resolvable", True) is not False for k in keys):
        return []
    message = (
        f'Object "{td.name}" has no resolvable key but has a field with a contextual argument.'
    )
    return [
        subgraph_error(
            sg,
            "CONTEXT_NO_RESOLVABLE_KEY",
            message,
            element=td.name,
            loc=td.loc,
            fix=f'Add a resolvable @key to "{td.name}".',
        )
    ]


def validate_contexts(sg: Subgraph) -> list[CompositionError]:
    setters = _setters(sg)
    errors: list[CompositionError] = []
    for td in sg.types.values():
        errors.extend(_name_errors(sg, td))
        errors.extend(_key_error(sg, td))
        for f in td.fields:
            for arg in f.args:
                directive = find_directive(arg.directives, "fromContext")
                if directive is not None:
                    coordinate = f"{td.name}.{f.name}({arg.name}:)"
                    errors.extend(_argument_errors(sg, coordinate, arg, directive, setters))
    return errors


__all__ = ["applying_to", "context_fields", "validate_contexts"]
