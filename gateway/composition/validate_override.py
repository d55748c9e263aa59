"""@override rules (checked while merging, as Apollo does, so they come with merge errors)."""

from __future__ import annotations

import re

from .errors import subgraph_error
from .model import CompositionError, Directive, Field, Subgraph, TypeDef, TypeKind

LABEL = re.compile(r"^(percent\((\d{1,2}(\.\d{1,8})?|100(\.0+)?)\)|[a-zA-Z][a-zA-Z0-9_\-:./]*)$")
FIXES = {
    "OVERRIDE_FROM_SELF_ERROR": "Set `from:` to the name of the subgraph that resolved the "
    "field until now.",
    "OVERRIDE_ON_INTERFACE": "Put @override on the fields of the implementing object types "
    "instead.",
    "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE": "Remove either @override or @external from "
    "the field.",
    "OVERRIDE_LABEL_INVALID": 'Use a label such as "my-flag" or "percent(25)".',
}


def _problem(sg: Subgraph, td: TypeDef, field: Field, override: Directive) -> tuple[str, str]:
    """(code, message) of what is wrong with this @override, or ("", "")."""
    coordinate = f"{td.name}.{field.name}"
    where = f'field "{coordinate}" on subgraph "{sg.name}"'
    label = override.args.get("label")
    if str(override.args.get("from", "")) == sg.name:
        return "OVERRIDE_FROM_SELF_ERROR", (
            f'Source and destination subgraphs "{sg.name}" are the same for overridden field '
            f'"{coordinate}"'
        )
    if td.kind is TypeKind.INTERFACE:
        return "OVERRIDE_ON_INTERFACE", (
            f"@override cannot be used on {where}: @override is not supported on interface "
            "type fields."
        )
    if field.has("external"):
        return "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE", (
            f'@override cannot be used on {where} since "{coordinate}" on "{sg.name}" is marked '
            'with directive "@external"'
        )
    if label is not None and not LABEL.match(str(label)):
        return "OVERRIDE_LABEL_INVALID", (
            f'Invalid @override label "{label}" on {where}: labels must start with a letter and '
            "after that may contain alphanumerics, underscores, minuses, colons, periods, or "
            'slashes. Alternatively, labels may be of the form "percent(x)" where x is a float '
            "between 0-100 inclusive."
        )
    return "", ""


def validate_override(sg: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    for td in sg.types.values():
        for field in td.fields:
            override = field.directive("override")
            code, message = _problem(sg, td, field, override) if override else ("", "")
            if override is not None and code:
                errors.append(
                    subgraph_error(
                        sg,
                        code,
                        message,
                        element=f"{td.name}.{field.name}",
                        loc=override.loc,
                        prefix=False,
                        fix=FIXES[code],
                    )
                )
    return errors
