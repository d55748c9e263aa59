"""Helpers to build errors about one subgraph."""

from __future__ import annotations

from .model import CompositionError, Directive, Location, Subgraph


def fields_type_error(
    sg: Subgraph, directive: Directive, where: str, element: str
) -> CompositionError | None:
    """KEY/REQUIRES/PROVIDES_INVALID_FIELDS_TYPE: ``fields:`` must be a string."""
    if isinstance(directive.args.get("fields"), str):
        return None
    return subgraph_error(
        sg,
        f"{directive.name.upper()}_INVALID_FIELDS_TYPE",
        f'{where}, for @{directive.name}{directive.source}: Invalid value for argument "fields": '
        "must be a string.",
        element=element,
        loc=directive.loc,
        fix='Quote the field set, e.g. fields: "id".',
    )


def subgraph_error(
    sg: Subgraph,
    code: str,
    message: str,
    *,
    element: str,
    loc: Location,
    fix: str,
    prefix: bool = True,
) -> CompositionError:
    """An error about one subgraph; Apollo prefixes most messages with ``[subgraph]``."""
    return CompositionError(
        code=code,
        message=f"[{sg.name}] {message}" if prefix else message,
        subgraphs=(sg.name,),
        element=element,
        locations=(loc,),
        fix=fix,
    )
