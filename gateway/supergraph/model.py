"""The supergraph model (CORE DATA #1): what the join spec says about every type and field.

Logic-free records, built once at start-up by ``build.py``. Subgraphs are named by their
``join__graph(name:)`` (e.g. ``"accounts"``), never by the ``join__Graph`` enum value.
Field sets (``key``, ``requires``, ``provides``) are kept as the text the supergraph holds; the
planner parses them against the types it plans on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from graphql import GraphQLSchema

__all__ = [
    "ArgumentDef",
    "ContextArgument",
    "FieldDef",
    "JoinField",
    "JoinType",
    "SubgraphInfo",
    "Supergraph",
    "TypeDef",
    "TypeKind",
    "TypeRef",
]

TypeKind: TypeAlias = Literal["OBJECT", "INTERFACE", "UNION", "ENUM", "INPUT_OBJECT", "SCALAR"]


@dataclass(frozen=True, slots=True)
class SubgraphInfo:
    name: str
    enum_value: str
    url: str


@dataclass(frozen=True, slots=True)
class TypeRef:
    """A field's type: ``text`` as in SDL (``[Review!]!``) and the named type under it."""

    text: str
    named: str

    @property
    def non_null(self) -> bool:
        return self.text.endswith("!")

    @property
    def is_list(self) -> bool:
        return self.text.startswith("[")


@dataclass(frozen=True, slots=True)
class JoinType:
    graph: str
    key: str | None = None
    resolvable: bool = True
    extension: bool = False
    is_interface_object: bool = False


@dataclass(frozen=True, slots=True)
class ContextArgument:
    """An argument a subgraph takes ``@fromContext`` (join v0.5 ``contextArguments``): its
    value is ``selection`` read on the nearest ancestor whose type sets ``context``. The
    argument is not in the API schema; the gateway passes it."""

    context: str
    name: str
    type: str  # the argument's type in the subgraph, as SDL text
    selection: str  # e.g. " { prop }" or " ... on A { x } ... on B { y }"


@dataclass(frozen=True, slots=True)
class JoinField:
    graph: str | None
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False
    context_arguments: tuple[ContextArgument, ...] = ()


@dataclass(frozen=True, slots=True)
class ArgumentDef:
    name: str
    type: TypeRef
    default: str | None  # printed GraphQL literal
    inaccessible: bool = False


@dataclass(frozen=True, slots=True)
class FieldDef:
    name: str
    type: TypeRef
    arguments: tuple[ArgumentDef, ...] = ()
    joins: tuple[JoinField, ...] = ()
    inaccessible: bool = False


@dataclass(frozen=True, slots=True)
class TypeDef:
    name: str
    kind: TypeKind
    joins: tuple[JoinType, ...] = ()
    fields: Mapping[str, FieldDef] = field(default_factory=dict)
    # interfaces this type implements, with the graphs that declare it (None: every graph)
    interfaces: Mapping[str, frozenset[str] | None] = field(default_factory=dict)
    # union members, with the graphs that declare them (None: every graph)
    members: Mapping[str, frozenset[str] | None] = field(default_factory=dict)
    # enum values, with the graphs that define them (None: every graph)
    values: Mapping[str, frozenset[str] | None] = field(default_factory=dict)
    inaccessible: bool = False
    # the @context names this type sets (for @fromContext arguments below it)
    contexts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Supergraph:
    sdl: str
    graphs: Mapping[str, SubgraphInfo]
    types: Mapping[str, TypeDef]
    query_type: str
    mutation_type: str | None
    subscription_type: str | None
    api_schema: GraphQLSchema
    # every object type implementing each interface (supergraph-wide)
    implementations: Mapping[str, tuple[str, ...]]
