"""Helpers to build errors about one subgraph."""

from __future__ import annotations

from .model import CompositionError, Location, Subgraph


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
