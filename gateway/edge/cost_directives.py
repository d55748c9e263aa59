"""The ``@cost`` and ``@listSize`` directives of a supergraph (https://specs.apollo.dev/cost),
read once per supergraph from its SDL into plain lookup tables the cost walk reads.

The directives' local names come from the schema's ``@link`` (``import:``, ``as:``); a
supergraph without the cost link has empty tables, and every element keeps its default cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from graphql import (
    ConstDirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    value_from_ast_untyped,
)

from gateway.spec.link import parse_feature_url
from gateway.supergraph import Supergraph, parse_sdl

__all__ = [
    "COST_SPEC",
    "NO_COST_DIRECTIVES",
    "CostDirectives",
    "ListSize",
    "cost_directives",
    "requirements",
]

COST_SPEC = "https://specs.apollo.dev/cost"

FieldKey = tuple[str, str]  # (type name, field name)


@dataclass(frozen=True, slots=True)
class ListSize:
    """``@listSize`` on one field."""

    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] = ()
    sized_fields: tuple[str, ...] = ()
    require_one_slicing_argument: bool = True


def _empty() -> Mapping[Any, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CostDirectives:
    """``types``: weights of object, scalar and enum types; ``fields``: of fields;
    ``arguments``: of field arguments, by (type, field, argument); ``input_fields``: of input
    object fields; ``list_sizes``: ``@listSize`` by field."""

    types: Mapping[str, float] = field(default_factory=_empty)
    fields: Mapping[FieldKey, float] = field(default_factory=_empty)
    arguments: Mapping[tuple[str, str, str], float] = field(default_factory=_empty)
    input_fields: Mapping[FieldKey, float] = field(default_factory=_empty)
    list_sizes: Mapping[FieldKey, ListSize] = field(default_factory=_empty)


NO_COST_DIRECTIVES = CostDirectives()

_WITH_FIELDS = (
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
)
_WEIGHTED_TYPES = (
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
)


def cost_directives(sdl: str) -> CostDirectives:
    """The cost tables of a supergraph's SDL."""
    document = parse_sdl(sdl)
    names = _local_names(document)
    if names is None:
        return NO_COST_DIRECTIVES
    tables = _Tables(*names)
    for definition in document.definitions:
        type_name = getattr(getattr(definition, "name", None), "value", "")
        if isinstance(definition, _WEIGHTED_TYPES):
            tables.weigh(tables.types, type_name, definition.directives)
        if isinstance(definition, _WITH_FIELDS):
            for f in definition.fields or ():
                tables.field(type_name, f)
        if isinstance(definition, InputObjectTypeDefinitionNode | InputObjectTypeExtensionNode):
            for input_field in definition.fields or ():
                key = (type_name, input_field.name.value)
                tables.weigh(tables.input_fields, key, input_field.directives)
    return CostDirectives(
        MappingProxyType(tables.types),
        MappingProxyType(tables.fields),
        MappingProxyType(tables.arguments),
        MappingProxyType(tables.input_fields),
        MappingProxyType(tables.list_sizes),
    )


@dataclass(slots=True)
class _Tables:
    """The tables while one SDL is read (``cost``, ``list_size``: the directives' names)."""

    cost: str
    list_size: str
    types: dict[str, float] = field(default_factory=dict)
    fields: dict[FieldKey, float] = field(default_factory=dict)
    arguments: dict[tuple[str, str, str], float] = field(default_factory=dict)
    input_fields: dict[FieldKey, float] = field(default_factory=dict)
    list_sizes: dict[FieldKey, ListSize] = field(default_factory=dict)

    def field(self, type_name: str, node: FieldDefinitionNode) -> None:
        key = (type_name, node.name.value)
        self.weigh(self.fields, key, node.directives)
        for arg in node.arguments or ():
            self.weigh(self.arguments, (*key, arg.name.value), arg.directives)
        for directive in node.directives or ():
            if directive.name.value == self.list_size:
                self.list_sizes[key] = _list_size(_args(directive))

    def weigh(
        self, table: dict[Any, float], key: Any, directives: Iterable[ConstDirectiveNode] | None
    ) -> None:
        for directive in directives or ():
            if directive.name.value == self.cost:
                # Apollo's @cost(weight: Int!); IBM's draft spelled it as a string ("2.0")
                table[key] = float(_args(directive).get("weight", 0))


def _list_size(args: Mapping[str, Any]) -> ListSize:
    assumed = args.get("assumedSize")
    return ListSize(
        assumed_size=int(assumed) if assumed is not None else None,
        slicing_arguments=tuple(args.get("slicingArguments") or ()),
        sized_fields=tuple(args.get("sizedFields") or ()),
        require_one_slicing_argument=bool(args.get("requireOneSlicingArgument", True)),
    )


def _args(directive: ConstDirectiveNode) -> dict[str, Any]:
    return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}


def _local_names(document: DocumentNode) -> tuple[str, str] | None:
    """The names ``@cost`` and ``@listSize`` have in this schema (None: no cost link)."""
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode):
            continue
        for directive in definition.directives or ():
            if directive.name.value != "link":
                continue
            args = _args(directive)
            url = parse_feature_url(str(args.get("url", "")))
            if url is None or url.identity != COST_SPEC:
                continue
            prefix = str(args.get("as") or url.name)
            imports = _imports(args.get("import") or ())
            return (
                imports.get("@cost", f"@{prefix}")[1:],
                imports.get("@listSize", f"@{prefix}__listSize")[1:],
            )
    return None


def _imports(items: Iterable[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        if isinstance(item, str):
            out[item] = item
        elif isinstance(item, dict) and "name" in item:
            out[str(item["name"])] = str(item.get("as", item["name"]))
    return out


def requirements(supergraph: Supergraph) -> dict[FieldKey, str]:
    """``@requires`` field sets by field: what the gateway fetches before the field, whose
    cost Apollo adds to the field's (the first graph's, when several require)."""
    out: dict[FieldKey, str] = {}
    for type_def in supergraph.types.values():
        for field_def in type_def.fields.values():
            for join in field_def.joins:
                if join.requires:
                    out.setdefault((type_def.name, field_def.name), join.requires)
    return out
