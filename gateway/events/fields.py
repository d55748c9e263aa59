"""The events directives of one supergraph, read once into a table: each broker-fed
subscription field and each publish mutation field, with its broker, provider and subjects,
and what a message must carry (the entity type and its key fields in the events subgraph)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from graphql import (
    DocumentNode,
    FieldNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    OperationDefinitionNode,
    parse,
    value_from_ast_untyped,
)

from gateway.errors import ConfigError
from gateway.supergraph import Supergraph, parse_sdl

__all__ = ["EventField", "event_fields", "uses_events"]

EVENTS_SPEC = "https://specs.fedgate.dev/events/"
_DIRECTIVES: Mapping[str, tuple[str, str, str]] = {
    # directive -> (kind, broker, the argument naming the subjects)
    "edfs__natsSubscribe": ("subscribe", "nats", "subjects"),
    "edfs__redisSubscribe": ("subscribe", "redis", "channels"),
    "edfs__natsPublish": ("publish", "nats", "subject"),
    "edfs__redisPublish": ("publish", "redis", "channel"),
}


@dataclass(frozen=True, slots=True)
class EventField:
    """``subjects``: templates (``orders.{{ args.id }}``); ``entity``: the type a message
    stands for; ``keys``: each of its key field sets in the events subgraph (top-level
    names), one of which a message must carry."""

    kind: Literal["subscribe", "publish"]
    broker: Literal["nats", "redis"]
    provider: str
    subjects: tuple[str, ...]
    subgraph: str
    entity: str
    keys: tuple[frozenset[str], ...] = ()
    list_type: bool = False


def uses_events(supergraph: Supergraph) -> bool:
    """The supergraph links the events feature (a substring test: once per generation)."""
    return EVENTS_SPEC in supergraph.sdl


def event_fields(supergraph: Supergraph) -> Mapping[tuple[str, str], EventField]:
    document = parse_sdl(supergraph.sdl)
    roots = {supergraph.subscription_type, supergraph.mutation_type} - {None}
    table: dict[tuple[str, str], EventField] = {}
    for node in _objects(document):
        if node.name.value not in roots:
            continue
        for f in node.fields or ():
            for d in f.directives or ():
                spec = _DIRECTIVES.get(d.name.value)
                if spec is None:
                    continue
                args = {a.name.value: value_from_ast_untyped(a.value) for a in d.arguments or ()}
                key = (node.name.value, f.name.value)
                table[key] = _field(supergraph, key, spec, args)
    return MappingProxyType(table)


def _objects(document: DocumentNode) -> list[ObjectTypeDefinitionNode | ObjectTypeExtensionNode]:
    return [
        d
        for d in document.definitions
        if isinstance(d, ObjectTypeDefinitionNode | ObjectTypeExtensionNode)
    ]


def _field(
    supergraph: Supergraph,
    key: tuple[str, str],
    spec: tuple[str, str, str],
    args: Mapping[str, object],
) -> EventField:
    kind, broker, subjects_arg = spec
    definition = supergraph.types[key[0]].fields[key[1]]
    graphs = [j.graph for j in definition.joins if j.graph is not None]
    if not definition.joins:  # no @join__field: the root type's one subgraph has it
        graphs = [j.graph for j in supergraph.types[key[0]].joins]
    if len(graphs) != 1:
        raise ConfigError(f"{key[0]}.{key[1]}: an events field must belong to one subgraph")
    subgraph = graphs[0]
    raw = args.get(subjects_arg)
    subjects = tuple(str(s) for s in raw) if isinstance(raw, list) else (str(raw),)
    entity = definition.type.named
    keys: tuple[frozenset[str], ...] = ()
    entity_def = supergraph.types.get(entity)
    if kind == "subscribe" and entity_def is not None:
        keys = tuple(_top_level(j.key) for j in entity_def.joins if j.graph == subgraph and j.key)
    return EventField(
        kind,  # type: ignore[arg-type]
        broker,  # type: ignore[arg-type]
        str(args.get("providerId", "default")),
        subjects,
        subgraph,
        entity,
        keys,
        definition.type.text.startswith("["),
    )


def _top_level(fieldset: str) -> frozenset[str]:
    operation = parse("{" + fieldset + "}", no_location=True).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    selections = operation.selection_set.selections
    return frozenset(s.name.value for s in selections if isinstance(s, FieldNode))
