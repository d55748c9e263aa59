"""Executed federation tests on supergraphs composed from inline subgraph SDLs (the golden
tests' ``tests/planner/harness.py``), the subgraphs served in-process from the same SDLs, the
gateway run in both plan modes (one ``Fetch`` per group, and waves with ``BatchFetch``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gateway.config import GatewayConfig
from gateway.pipeline import Gateway
from gateway.supergraph import Supergraph
from gateway.transport.local import GraphQLCoreApp, LocalClient

from .exec_subgraphs import EntityResolver, entity_app

__all__ = ["MODES", "gateway", "plain_sdl", "served"]

MODES = (False, True)
"""``batch`` values: every executed test runs with both kinds of plan."""

_LINK = re.compile(r"extend\s+schema(\s*@\w+\s*\([^)]*\))+")
_QUERY = re.compile(r"\btype\s+Query\b")
_DIRECTIVE = re.compile(r"@\w+(\s*\([^)]*\))?")


def plain_sdl(sdl: str) -> str:
    """The subgraph's schema without federation directives (graphql-core serves it)."""
    return _DIRECTIVE.sub("", _LINK.sub("", sdl))


def served(
    sdl: str,
    *,
    root: Mapping[str, Any] | None = None,
    entities: Mapping[str, EntityResolver] | None = None,
) -> GraphQLCoreApp:
    """An in-process subgraph from a federation SDL as the golden tests write it."""
    plain = plain_sdl(sdl)
    if entities and not _QUERY.search(plain):
        plain += "\ntype Query\n"  # ``_entities`` extends it
    return entity_app(plain, root=root, entities=entities)


def gateway(sg: Supergraph, apps: Mapping[str, GraphQLCoreApp], *, batch: bool) -> Gateway:
    return Gateway(sg, LocalClient(dict(apps)), GatewayConfig(batch_fetches=batch))
