"""Executed planner tests: the golden tests' subgraph SDLs served in-process, so a test can
assert the data a plan really produces (and what each subgraph received).

``serve`` turns a federation subgraph SDL into a graphql-core schema (federation directives and
the ``@link`` schema extension dropped, ``_entities`` added by ``entity_app``); the gateway
runs on the supergraph Apollo's composition made of the same SDLs (``tests/planner/harness``).
Every query runs in tree mode and in batch mode, and both answers must be equal.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DefinitionNode,
    DocumentNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    SchemaExtensionNode,
    parse,
    print_ast,
)
from graphql.language import Visitor, visit

from gateway.config import GatewayConfig
from gateway.pipeline import Gateway
from gateway.supergraph import Supergraph
from gateway.transport.local import GraphQLCoreApp, LocalClient

from ..planner.harness import supergraph
from .exec_subgraphs import EntityResolver, entity_app

__all__ = ["MODES", "Subgraph", "gateway", "plain_sdl", "run", "served"]


@dataclass(frozen=True)
class Subgraph:
    sdl: str
    root: Mapping[str, Any] | None = None
    entities: Mapping[str, EntityResolver] | None = None
    # the members of ``_Entity`` when they are not the keys of ``entities`` (an interface's
    # resolver answering its object types)
    entity_types: tuple[str, ...] | None = None


class _DropDirectives(Visitor):
    def enter_directive(self, *_: object) -> None:
        return None

    def leave_directive(self, *_: object) -> object:
        return self.REMOVE


def plain_sdl(sdl: str) -> str:
    """The subgraph's schema as plain GraphQL: no federation directives, no @link."""
    doc = visit(parse(textwrap.dedent(sdl)), _DropDirectives())
    assert isinstance(doc, DocumentNode)
    defs: list[DefinitionNode] = []
    for d in doc.definitions:
        if isinstance(d, SchemaExtensionNode):
            continue
        if isinstance(d, ObjectTypeExtensionNode):  # Federation 1 style `extend type`
            d = ObjectTypeDefinitionNode(
                name=d.name, interfaces=d.interfaces, directives=(), fields=d.fields
            )
        defs.append(d)
    text = print_ast(DocumentNode(definitions=tuple(defs)))
    if not any(isinstance(d, ObjectTypeDefinitionNode) and d.name.value == "Query" for d in defs):
        text += "\ntype Query { _unused: Int }\n"
    return text


def _apps(subgraphs: Mapping[str, Subgraph]) -> dict[str, GraphQLCoreApp]:
    return {
        name: entity_app(
            plain_sdl(s.sdl), root=s.root, entities=s.entities, entity_types=s.entity_types
        )
        for name, s in subgraphs.items()
    }


async def run(subgraphs: Mapping[str, Subgraph], query: str, **variables: Any) -> dict[str, Any]:
    """The response in tree mode, checked equal to the one in batch mode."""
    sg = supergraph(**{name: s.sdl for name, s in subgraphs.items()})
    answers = []
    for batch in (False, True):
        client = LocalClient(_apps(subgraphs))
        gateway = Gateway(sg, client, GatewayConfig(batch_fetches=batch))
        answers.append(await gateway.execute(query, variables or None))
    assert answers[0] == answers[1], answers
    return answers[0]


async def requests(
    subgraphs: Mapping[str, Subgraph], query: str
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The response (tree mode) and every request body each subgraph received."""
    sg = supergraph(**{name: s.sdl for name, s in subgraphs.items()})
    apps = _apps(subgraphs)
    gateway = Gateway(sg, LocalClient(apps), GatewayConfig(batch_fetches=False))
    body = await gateway.execute(query)
    return body, {name: app.requests for name, app in apps.items()}


# -- for tests that build the gateway themselves (parametrised over the plan modes) ---------

MODES = (False, True)
"""``batch`` values: a test parametrised over them runs with both kinds of plan."""


def served(
    sdl: str,
    *,
    root: Mapping[str, Any] | None = None,
    entities: Mapping[str, EntityResolver] | None = None,
) -> GraphQLCoreApp:
    """An in-process subgraph from a federation SDL as the golden tests write it."""
    return entity_app(plain_sdl(sdl), root=root, entities=entities)


def gateway(sg: Supergraph, apps: Mapping[str, GraphQLCoreApp], *, batch: bool) -> Gateway:
    return Gateway(sg, LocalClient(dict(apps)), GatewayConfig(batch_fetches=batch))
