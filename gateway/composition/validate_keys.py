"""@key rules: KEY_INVALID_FIELDS, KEY_FIELDS_HAS_ARGS, KEY_FIELDS_SELECT_INVALID_TYPE, ..."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import fields_type_error, subgraph_error
from .model import CompositionError, Directive, Field, Subgraph, TypeDef, TypeKind, named_type
from .validate_fieldsets import Position, Problem, Visitor, check_fieldset

CODES = {
    "invalid": "KEY_INVALID_FIELDS",
    "empty_selection": "KEY_INVALID_FIELDS",
    "has_args": "KEY_FIELDS_HAS_ARGS",
    "invalid_type": "KEY_FIELDS_SELECT_INVALID_TYPE",
    "directive": "KEY_DIRECTIVE_IN_FIELDS_ARG",
}
FIXES = {
    "invalid": "List only existing fields of the type in the key, with sub-selections for "
    "object-typed fields.",
    "has_args": "Remove fields that take arguments from the key.",
    "invalid_type": "Use only scalar, enum or object fields (not interfaces or unions) in the key.",
    "directive": "Remove the directive applications from the key's fields.",
}


def _key_visitor(sg: Subgraph) -> Visitor:
    def visit(type_name: str, field: Field, where: Position) -> Iterator[Problem]:
        coordinate = f"{type_name}.{field.name}"
        target = sg.types.get(named_type(field.type))
        if target is not None and target.kind in (TypeKind.INTERFACE, TypeKind.UNION):
            label = "Interface" if target.kind is TypeKind.INTERFACE else "Union"
            yield Problem(
                "invalid_type",
                f'field "{coordinate}" is a {label} type which is not allowed in @key',
            )

    return visit


def _check_key(sg: Subgraph, td: TypeDef, key: Directive) -> list[CompositionError]:
    wrong_type = fields_type_error(sg, key, f'On type "{td.name}"', td.name)
    if wrong_type is not None:
        return [wrong_type]
    fields = str(key.args.get("fields", ""))
    problems = check_fieldset(sg, td.name, fields, "key", _key_visitor(sg))
    return [
        subgraph_error(
            sg,
            CODES[p.kind],
            f'On type "{td.name}", for @key(fields: "{fields}"): {p.message}'
            + (_EXTERNAL_TIP if p.kind == "invalid" and "Cannot query" in p.message else ""),
            element=td.name,
            loc=key.loc,
            fix=FIXES.get(p.kind, FIXES["invalid"]),
        )
        for p in problems
    ]


_EXTERNAL_TIP = (
    " (the field should either be added to this subgraph or, if it should not be resolved by "
    "this subgraph, you need to add it to this subgraph with @external)."
)


def validate_keys(sg: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    for td in sg.types.values():
        for key in td.all_directives("key"):
            errors.extend(_check_key(sg, td, key))
        if td.kind is TypeKind.INTERFACE and td.has("key") and not sg.fed1 and sg.version < (2, 3):
            errors.append(
                subgraph_error(
                    sg,
                    "KEY_UNSUPPORTED_ON_INTERFACE",
                    f'Cannot use @key on interface "{td.name}": @key is not yet supported on '
                    "interfaces before federation v2.3",
                    element=td.name,
                    loc=td.loc,
                    fix="Link federation v2.3 or later to use @key on interfaces.",
                )
            )
    return errors
