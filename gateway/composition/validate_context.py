"""@context and @fromContext: names, and the selection an argument takes from its context."""

from __future__ import annotations

import re

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
from .validate_context_selection import Use, selection_problems

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


def applying_to(
    sg: Subgraph, setter: TypeDef, selections: tuple[Selection, ...]
) -> list[tuple[str, Selection]]:
    """(type, field selection) pairs that apply to a value of ``setter``: its fields, and the
    fields of inline fragments on it, on an interface or union it belongs to, or (an abstract
    ``setter``) on one of its runtime types (``$ctx ... on A { x } ... on B { y }``)."""
    out: list[tuple[str, Selection]] = []
    for s in selections:
        if s.name:
            out.append((setter.name, s))
        elif s.type_condition in (None, setter.name) or _implements(sg, setter, s.type_condition):
            out.extend(applying_to(sg, setter, s.selections))
        elif (condition := sg.types.get(s.type_condition or "")) and _implements(
            sg, condition, setter.name
        ):
            out.extend(applying_to(sg, condition, s.selections))
    return out


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
                    used.update((t, s.name) for t, s in applying_to(sg, setter, selections))
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
    if match is None or not match.group(2):  # "$ctx" alone selects nothing either
        code = "NO_CONTEXT_IN_SELECTION"
        message = f'@fromContext argument does not reference a context "{value}".'
    elif match.group(1) not in setters:
        code = "CONTEXT_NOT_SET"
        message = f'Context "{match.group(1)}" is used at location "{coordinate}" but is never set.'
    else:
        use = Use(match.group(1), coordinate, arg)
        problems = selection_problems(sg, use, setters[match.group(1)], match.group(2))
        return [_error(sg, "CONTEXT_INVALID_SELECTION", p, coordinate, directive) for p in problems]
    return [_error(sg, code, message, coordinate, directive)]


def _error(
    sg: Subgraph, code: str, message: str, coordinate: str, directive: Directive
) -> CompositionError:
    return subgraph_error(sg, code, message, element=coordinate, loc=directive.loc, fix=FIXES[code])


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
