"""@interfaceObject rules (INTERFACE_OBJECT_USAGE_ERROR)."""

from __future__ import annotations

from .context import MergeContext
from .errors import subgraph_error
from .model import CompositionError, Subgraph, TypeKind


def validate_interface_object(sg: Subgraph) -> list[CompositionError]:
    """Within one subgraph: an @interfaceObject must be an entity."""
    errors: list[CompositionError] = []
    for td in sg.types.values():
        directive = td.directive("interfaceObject")
        if directive is not None and not td.has("key"):
            errors.append(
                subgraph_error(
                    sg,
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f"The @interfaceObject directive can only be applied to entity types but "
                    f'type "{td.name}" has no @key in this subgraph.',
                    element=td.name,
                    loc=directive.loc,
                    fix="Add a @key to the type, matching a @key of the interface.",
                )
            )
    return errors


def check_interface_objects(ctx: MergeContext) -> None:
    """Across subgraphs: the interface exists, and no implementation is defined alongside."""
    for sg in ctx.subgraphs:
        for td in sg.types.values():
            if not td.has("interfaceObject"):
                continue
            interface_defs = [
                (other, t) for other, t in ctx.defs(td.name) if t.kind is TypeKind.INTERFACE
            ]
            if not interface_defs:
                ctx.error(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f'Type "{td.name}" is declared with @interfaceObject in all the subgraphs in '
                    "which is is defined (it should be defined as an interface in at least one "
                    "subgraph)",
                    element=td.name,
                    subgraphs=(sg.name,),
                    locations=(td.loc,),
                    fix="Define the type as an interface, with its @key, in the subgraph that "
                    "owns its implementations.",
                )
            for impl in sorted(ctx.implementations.get(td.name, ())):
                impl_def = sg.types.get(impl)
                if impl_def is not None:
                    ctx.error(
                        "INTERFACE_OBJECT_USAGE_ERROR",
                        f'[{sg.name}] Interface type "{td.name}" is defined as an '
                        f'@interfaceObject in subgraph "{sg.name}" so that subgraph should not '
                        f'define any of the implementation types of "{td.name}", but it '
                        f'defines type "{impl}"',
                        element=impl,
                        subgraphs=(sg.name,),
                        locations=(impl_def.loc,),
                        fix=f'Remove type "{impl}" from this subgraph, or stop using '
                        "@interfaceObject.",
                    )
