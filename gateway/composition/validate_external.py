"""@external rules within one subgraph: EXTERNAL_UNUSED, EXTERNAL_ON_INTERFACE."""

from __future__ import annotations

from .errors import subgraph_error
from .model import CompositionError, Subgraph, TypeDef, TypeKind
from .usage import fields_used_by
from .validate_context import context_fields


def _satisfies_interface(sg: Subgraph, td: TypeDef, field_name: str) -> bool:
    for iface_name in td.interfaces:
        iface = sg.types.get(iface_name)
        if iface is not None and iface.field(field_name) is not None:
            return True
    return False


def validate_external(sg: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    used = fields_used_by(sg, ("key", "requires", "provides")) | context_fields(sg)
    for td in sg.types.values():
        for field in td.fields:
            directive = field.directive("external")
            if directive is None:
                continue
            coordinate = f"{td.name}.{field.name}"
            if td.kind is TypeKind.INTERFACE:
                errors.append(
                    subgraph_error(
                        sg,
                        "EXTERNAL_ON_INTERFACE",
                        f'Interface type field "{coordinate}" is marked @external but @external '
                        "is not allowed on interface fields.",
                        element=coordinate,
                        loc=directive.loc,
                        fix="Remove @external from the interface field.",
                    )
                )
            elif (td.name, field.name) not in used and not _satisfies_interface(sg, td, field.name):
                errors.append(
                    subgraph_error(
                        sg,
                        "EXTERNAL_UNUSED",
                        f'Field "{coordinate}" is marked @external but is not used in any '
                        "federation directive (@key, @provides, @requires) or to satisfy an "
                        "interface; the field declaration has no use and should be removed (or "
                        "the field should not be @external).",
                        element=coordinate,
                        loc=directive.loc,
                        fix="Remove the field from this subgraph, or use it in a @key, "
                        "@requires or @provides.",
                    )
                )
    return errors
