"""The merged (supergraph) model the printer turns into SDL."""

from __future__ import annotations

from dataclasses import dataclass

from .model import TypeKind


@dataclass(frozen=True, slots=True)
class Graph:
    enum_name: str
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class JoinType:
    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    interface_object: bool = False


@dataclass(frozen=True, slots=True)
class JoinField:
    graph: str | None
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    override_label: str | None = None
    context_arguments: tuple[tuple[str, str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class MergedArgument:
    name: str
    type: str
    default: str | None
    description: str | None
    applied: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MergedField:
    name: str
    type: str
    description: str | None = None
    args: tuple[MergedArgument, ...] = ()
    joins: tuple[JoinField, ...] = ()
    applied: tuple[str, ...] = ()
    default: str | None = None
    join_directives: tuple[str, ...] = ()  # printed @join__directive(...) (@cacheTag, ...)


@dataclass(frozen=True, slots=True)
class MergedEnumValue:
    name: str
    description: str | None
    graphs: tuple[str, ...]
    applied: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MergedType:
    name: str
    kind: TypeKind
    description: str | None
    joins: tuple[JoinType, ...]
    implements: tuple[tuple[str, str], ...] = ()  # (graph, interface)
    interfaces: tuple[str, ...] = ()
    fields: tuple[MergedField, ...] = ()
    members: tuple[tuple[str, str], ...] = ()  # (graph, member)
    values: tuple[MergedEnumValue, ...] = ()
    applied: tuple[str, ...] = ()
    join_directives: tuple[str, ...] = ()  # printed @join__directive(...) (@cacheTag, ...)

    def field(self, name: str) -> MergedField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def member_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for _, m in self.members))


@dataclass(frozen=True, slots=True)
class Supergraph:
    graphs: tuple[Graph, ...]
    types: tuple[MergedType, ...]
    features: tuple[str, ...]  # "tag", "inaccessible", ... used in the output, in link order
    max_version: tuple[int, int]
    custom_directives: tuple[str, ...] = ()  # printed definitions of composed directives
    custom_links: tuple[str, ...] = ()  # printed @link(...) of composed directives
    roots: tuple[str, ...] = ("Query",)
    spec_names: tuple[tuple[str, str], ...] = ()  # ("tag", "label"): a spec used renamed

    def type(self, name: str) -> MergedType | None:
        return next((t for t in self.types if t.name == name), None)
