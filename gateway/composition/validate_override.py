"""@override rules within one subgraph."""

from __future__ import annotations

import re

from .errors import subgraph_error
from .model import CompositionError, Directive, Field, Subgraph, TypeDef, TypeKind

LABEL = re.compile(r"^(percent\((\d{1,2}(\.\d{1,8})?|100(\.0+)?)\)|[a-zA-Z][a-zA-Z0-9_\-:./]*)$")


def _check(sg: Subgraph, td: TypeDef, field: Field, override: Directive) -> CompositionError | None:
    coordinate = f"{td.name}.{field.name}"
    source = str(override.args.get("from", ""))
    label = override.args.get("label")
    if source == sg.name:
        return subgraph_error(
            sg,
            "OVERRIDE_FROM_SELF_ERROR",
            f'Source and destination subgraphs "{sg.name}" are the same for overridden field '
            f'"{coordinate}"',
            element=coordinate,
            loc=override.loc,
            prefix=False,
            fix="Set `from:` to the name of the subgraph that resolved the field until now.",
        )
    if td.kind is TypeKind.INTERFACE:
        return subgraph_error(
            sg,
            "OVERRIDE_ON_INTERFACE",
            f'@override cannot be used on field "{coordinate}" on subgraph "{sg.name}": '
            "@override is not supported on interface type fields.",
            element=coordinate,
            loc=override.loc,
            prefix=False,
            fix="Put @override on the fields of the implementing object types instead.",
        )
    if field.has("external"):
        return subgraph_error(
            sg,
            "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
            f'@override cannot be used on field "{coordinate}" on subgraph "{sg.name}" since '
            f'"{coordinate}" on "{sg.name}" is marked with directive "@external"',
            element=coordinate,
            loc=override.loc,
            prefix=False,
            fix="Remove either @override or @external from the field.",
        )
    if label is not None and not LABEL.match(str(label)):
        return subgraph_error(
            sg,
            "OVERRIDE_LABEL_INVALID",
            f'Invalid @override label "{label}" on field "{coordinate}" on subgraph "{sg.name}":'
            " labels must start with a letter and after that may contain alphanumerics, "
            "underscores, minuses, colons, periods, or slashes. Alternatively, labels may be of "
            'the form "percent(x)" where x is a float between 0-100 inclusive.',
            element=coordinate,
            loc=override.loc,
            prefix=False,
            fix='Use a label such as "my-flag" or "percent(25)".',
        )
    return None


def validate_override(sg: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    for td in sg.types.values():
        for field in td.fields:
            override = field.directive("override")
            if override is not None and (error := _check(sg, td, field, override)) is not None:
                errors.append(error)
    return errors
