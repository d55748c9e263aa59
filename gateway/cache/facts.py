"""What the supergraph says that the cache needs, read once per supergraph: each subgraph's
``@key`` fields per entity type (an entity's key, for invalidation by ``{kind: entity}``), and
the ``@cacheTag`` formats (federation v2.12, carried as ``@join__directive(name:
"federation__cacheTag")``) on entity types, their fields and root fields."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    OperationDefinitionNode,
    parse,
    value_from_ast_untyped,
)

from gateway.supergraph.fast_parse import parse_sdl

__all__ = ["SchemaFacts"]

_Key = tuple[str, str]  # (subgraph, type or root field)


@dataclass(frozen=True, slots=True)
class SchemaFacts:
    """``keys[(subgraph, type)]``: the top-level fields of each of its ``@key``s, in order;
    ``entity_tags`` / ``root_tags``: the ``@cacheTag`` formats of an entity type (its own and
    its fields') and of a root field, per subgraph."""

    keys: Mapping[_Key, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    entity_tags: Mapping[_Key, tuple[str, ...]] = field(default_factory=dict)
    root_tags: Mapping[_Key, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, supergraph: Any) -> SchemaFacts:
        """From a loaded ``Supergraph`` (anything else: no facts, whole representations key
        the entities and there are no tags)."""
        types = getattr(supergraph, "types", None)
        sdl = getattr(supergraph, "sdl", None)
        if types is None or sdl is None:
            return cls()
        keys: dict[_Key, list[tuple[str, ...]]] = defaultdict(list)
        for type_def in types.values():
            for join in type_def.joins:
                if join.key:
                    keys[(join.graph, type_def.name)].append(_top_fields(join.key))
        enum_names = {info.enum_value: name for name, info in supergraph.graphs.items()}
        query = getattr(supergraph, "query_type", "Query")
        entity_tags, root_tags = _tags(sdl, enum_names, query)
        return cls({k: tuple(v) for k, v in keys.items()}, entity_tags, root_tags)

    def entity_key(self, subgraph: str, rep: Mapping[str, Any]) -> dict[str, Any]:
        """The representation's key fields (its first ``@key`` it holds whole); the whole
        representation less ``__typename`` when no key fits."""
        typename = rep.get("__typename")
        for fields in self.keys.get((subgraph, str(typename)), ()):
            if all(f in rep for f in fields):
                return {f: rep[f] for f in fields}
        return {k: v for k, v in rep.items() if k != "__typename"}


def _top_fields(fieldset: str) -> tuple[str, ...]:
    document = parse("{" + fieldset + "}", no_location=True)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return tuple(
        s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)
    )


def _tags(
    sdl: str, enum_names: Mapping[str, str], query: str
) -> tuple[dict[_Key, tuple[str, ...]], dict[_Key, tuple[str, ...]]]:
    if "cacheTag" not in sdl:  # the usual case: no second parse of the supergraph
        return {}, {}
    entity: dict[_Key, list[str]] = defaultdict(list)
    root: dict[_Key, list[str]] = defaultdict(list)
    for node in parse_sdl(sdl).definitions:
        if not isinstance(node, ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            continue
        name = node.name.value
        for graph, format_ in _cache_tags(node.directives, enum_names):
            entity[(graph, name)].append(format_)
        for field_node in node.fields or ():
            for graph, format_ in _cache_tags(field_node.directives, enum_names):
                if name == query:
                    root[(graph, field_node.name.value)].append(format_)
                else:
                    entity[(graph, name)].append(format_)
    return {k: tuple(v) for k, v in entity.items()}, {k: tuple(v) for k, v in root.items()}


def _cache_tags(directives: Any, enum_names: Mapping[str, str]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for directive in directives or ():
        if directive.name.value != "join__directive":
            continue
        args = {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments}
        if not str(args.get("name", "")).endswith("cacheTag"):
            continue
        format_ = (args.get("args") or {}).get("format")
        if isinstance(format_, str):
            for graph in args.get("graphs") or ():
                if graph in enum_names:
                    found.append((enum_names[graph], format_))
    return found
