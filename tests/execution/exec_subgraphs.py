"""Real federation subgraphs for tests: graphql-core schemas with ``_entities``, served
in-process through ``GraphQLCoreApp`` and reached via the gateway's ``LocalClient``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    build_schema,
    parse,
    print_ast,
)

from gateway.errors import PlanningError
from gateway.planner.plan import QueryPlan
from gateway.transport.local import ASGIApp, GraphQLCoreApp

__all__ = [
    "FakeSupergraph",
    "Graph",
    "StaticPlanner",
    "entity_app",
    "hanging_app",
    "raw_app",
    "supergraph",
]

EntityResolver = Callable[[dict[str, Any]], Any]
Scope = MutableMapping[str, Any]


def entity_app(
    sdl: str,
    *,
    root: Mapping[str, Any] | None = None,
    entities: Mapping[str, EntityResolver] | None = None,
    entity_types: tuple[str, ...] | None = None,
) -> GraphQLCoreApp:
    """A subgraph from ``sdl``; ``root`` holds root field values (callables get ``info`` and
    the arguments); ``entities`` resolve one representation per ``__typename`` (the
    ``_Entity`` union holds ``entity_types``, by default the keys of ``entities``)."""
    entities = dict(entities or {})
    if entities:
        sdl += (
            "\nscalar _Any\nunion _Entity = "
            + " | ".join(entity_types or tuple(entities))
            + "\nextend type Query { _entities(representations: [_Any!]!): [_Entity]! }\n"
        )
    schema = build_schema(sdl)
    values: dict[str, Any] = dict(root or {})
    if entities:
        entity_union = schema.type_map["_Entity"]
        assert isinstance(entity_union, GraphQLUnionType)
        entity_union.resolve_type = lambda obj, *_: obj["__typename"]

        async def resolve_one(rep: dict[str, Any]) -> Any:
            value = entities[rep["__typename"]](rep)
            if hasattr(value, "__await__"):
                value = await value
            if isinstance(value, dict):
                value = {"__typename": rep["__typename"], **value}
            return value

        def resolve_entities(info: Any, representations: list[dict[str, Any]]) -> Any:
            # One awaitable per item so that an error is located at ["_entities", i].
            return [resolve_one(rep) for rep in representations]

        values["_entities"] = resolve_entities
    return GraphQLCoreApp(schema, root_value=values)


@dataclass(frozen=True, slots=True)
class Graph:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class FakeSupergraph:
    """What the gateway reads from a supergraph: graphs and the API schema."""

    api_schema: GraphQLSchema
    graphs: Mapping[str, Graph] = field(default_factory=dict)


def supergraph(api_sdl: str, *names: str) -> FakeSupergraph:
    graphs = {n: Graph(n, f"http://{n}.local/graphql") for n in names}
    return FakeSupergraph(build_schema(api_sdl), graphs)


class StaticPlanner:
    """Planner stand-in for executor tests: hand-written plans keyed by operation text."""

    def __init__(self, plans: Mapping[str, QueryPlan]) -> None:
        self._plans = {_normal(q): p for q, p in plans.items()}
        # Named operations can also be found by name, inside multi-operation documents.
        self._by_name = {_name(q): p for q, p in plans.items() if _name(q)}
        self.calls = 0

    def plan(
        self,
        document: DocumentNode,
        operation_name: str | None = None,
        *,
        labels: frozenset[str] = frozenset(),
    ) -> QueryPlan:
        self.calls += 1
        plan = self._plans.get(print_ast(document))
        if plan is None and operation_name is not None:
            plan = self._by_name.get(operation_name)
        if plan is None:
            raise PlanningError("no hand-written plan for this operation")
        return plan


def _normal(query: str) -> str:
    return print_ast(parse(query))


def raw_app(status: int, body: bytes) -> ASGIApp:
    """A broken or hand-rolled subgraph: always answers ``status`` with ``body``."""

    async def app(scope: Scope, receive: Callable[[], Awaitable[Any]], send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return app


def hanging_app() -> ASGIApp:
    """A subgraph that never answers."""

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await asyncio.Event().wait()

    return app


def _name(query: str) -> str | None:
    for definition in parse(query).definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name:
            return definition.name.value
    return None
