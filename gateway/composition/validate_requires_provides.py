"""@requires and @provides rules (REQUIRES_*, PROVIDES_*)."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import fields_type_error, subgraph_error
from .model import CompositionError, Directive, Field, Subgraph, TypeDef, TypeKind, named_type
from .validate_fieldsets import Position, Problem, Visitor, check_fieldset, is_composite

FIXES = {
    "invalid": "Select only existing fields of the type, with sub-selections for object-typed "
    "fields.",
    "has_args": "Remove fields that take arguments from the field set.",
    "directive": "Remove the directive applications from the field set.",
    "not_external": "Mark the field @external in this subgraph (it is resolved by another "
    "subgraph), or remove it from the field set.",
}


_EXTERNAL_TIP = (
    " (if the field is defined in another subgraph, you need to add it to this subgraph with "
    "@external)."
)


def _external_visitor(sg: Subgraph, what: str) -> Visitor:
    # Only leaves must be @external: a value selected below an @external field comes from
    # another subgraph as a whole (as in Apollo's composition).
    def visit(type_name: str, field: Field, where: Position) -> Iterator[Problem]:
        if sg.fed1 or field.has("external") or not where.leaf or where.under_external:
            return
        coordinate = f"{type_name}.{field.name}"
        if field.has("fakeExternal"):
            yield Problem(
                "not_external",
                f'field "{coordinate}" should not be part of a @{what} since it is already '
                '"effectively" provided by this subgraph (while it is marked @external, it is a '
                "@key field of an extension type, which are not internally considered external "
                "for historical/backward compatibility reasons)",
            )
            return
        yield Problem(
            "not_external",
            f'field "{coordinate}" should not be part of a @{what} since it is '
            "already provided by this subgraph (it is not marked @external)",
        )

    return visit


def _errors(
    sg: Subgraph, what: str, coordinate: str, directive: Directive, problems: list[Problem]
) -> list[CompositionError]:
    fields = str(directive.args.get("fields", ""))
    suffix = {
        "invalid": "INVALID_FIELDS",
        "empty_selection": "INVALID_FIELDS",
        "has_args": "FIELDS_HAS_ARGS",
        "directive": "DIRECTIVE_IN_FIELDS_ARG",
        "not_external": "FIELDS_MISSING_EXTERNAL",
        "invalid_type": "INVALID_FIELDS",
    }
    return [
        subgraph_error(
            sg,
            f"{what.upper()}_{suffix[p.kind]}",
            f'On field "{coordinate}", for @{what}(fields: "{fields}"): {p.message}'
            + (_EXTERNAL_TIP if p.message.startswith("Cannot query") else ""),
            element=coordinate,
            loc=directive.loc,
            fix=FIXES.get(p.kind, FIXES["invalid"]),
        )
        for p in problems
    ]


def _check_requires(sg: Subgraph, td: TypeDef, field: Field) -> list[CompositionError]:
    directive = field.directive("requires")
    if directive is None:
        return []
    coordinate = f"{td.name}.{field.name}"
    if td.kind is TypeKind.INTERFACE:
        return [_on_interface(sg, "requires", coordinate, directive)]
    wrong_type = fields_type_error(sg, directive, f'On field "{coordinate}"', coordinate)
    if wrong_type is not None:
        return [wrong_type]
    fields = str(directive.args.get("fields", ""))
    problems = check_fieldset(sg, td.name, fields, "requires", _external_visitor(sg, "requires"))
    problems = [p for p in problems if p.kind != "has_args"]  # arguments are allowed here
    return _errors(sg, "requires", coordinate, directive, problems)


def _check_provides(sg: Subgraph, td: TypeDef, field: Field) -> list[CompositionError]:
    directive = field.directive("provides")
    if directive is None:
        return []
    coordinate = f"{td.name}.{field.name}"
    if td.kind is TypeKind.INTERFACE:
        return [_on_interface(sg, "provides", coordinate, directive)]
    wrong_type = fields_type_error(sg, directive, f'On field "{coordinate}"', coordinate)
    if wrong_type is not None:
        return [wrong_type]
    target = named_type(field.type)
    if not is_composite(sg, target):
        return [
            subgraph_error(
                sg,
                "PROVIDES_ON_NON_OBJECT_FIELD",
                f'Invalid @provides directive on field "{coordinate}": field has type '
                f'"{field.type}" which is not a Composite Type',
                element=coordinate,
                loc=directive.loc,
                fix="Use @provides only on fields returning an object, interface or union type.",
            )
        ]
    fields = str(directive.args.get("fields", ""))
    problems = check_fieldset(sg, target, fields, "provides", _external_visitor(sg, "provides"))
    return _errors(sg, "provides", coordinate, directive, problems)


def _on_interface(
    sg: Subgraph, what: str, coordinate: str, directive: Directive
) -> CompositionError:
    return subgraph_error(
        sg,
        f"{what.upper()}_UNSUPPORTED_ON_INTERFACE",
        f'Cannot use @{what} on field "{coordinate}" of parent type "{coordinate.split(".")[0]}":'
        f" @{what} is not yet supported within interfaces",
        element=coordinate,
        loc=directive.loc,
        fix=f"Move the @{what} to the fields of the implementing object types.",
    )


def validate_requires_provides(sg: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    for td in sg.types.values():
        for field in td.fields:
            errors.extend(_check_requires(sg, td, field))
            errors.extend(_check_provides(sg, td, field))
    return errors
