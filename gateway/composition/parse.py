"""Parse one subgraph SDL into the normalised :class:`Subgraph` model."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLSyntaxError,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    Node,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    Source,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    parse,
    print_ast,
    value_from_ast_untyped,
)

from .events_spec import EVENT_DIRECTIVES
from .links import (
    FEDERATION_TYPES,
    FEDERATION_URL,
    LATEST_VERSION,
    LinkInfo,
    fed1_link,
    federation_link,
    link_args,
    unsupported_links,
)
from .model import (
    Argument,
    CompositionError,
    Directive,
    DirectiveDef,
    EnumValue,
    Field,
    Location,
    Subgraph,
    SubgraphSource,
    TypeDef,
    TypeKind,
)

KINDS: dict[type[Node], TypeKind] = {
    ObjectTypeDefinitionNode: TypeKind.OBJECT,
    ObjectTypeExtensionNode: TypeKind.OBJECT,
    InterfaceTypeDefinitionNode: TypeKind.INTERFACE,
    InterfaceTypeExtensionNode: TypeKind.INTERFACE,
    UnionTypeDefinitionNode: TypeKind.UNION,
    UnionTypeExtensionNode: TypeKind.UNION,
    EnumTypeDefinitionNode: TypeKind.ENUM,
    EnumTypeExtensionNode: TypeKind.ENUM,
    InputObjectTypeDefinitionNode: TypeKind.INPUT,
    InputObjectTypeExtensionNode: TypeKind.INPUT,
    ScalarTypeDefinitionNode: TypeKind.SCALAR,
    ScalarTypeExtensionNode: TypeKind.SCALAR,
}
ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
HIDDEN_ROOT_FIELDS = frozenset({"_service", "_entities"})


def parse_document(source: SubgraphSource) -> DocumentNode | CompositionError:
    try:
        return parse(Source(source.sdl, source.origin))
    except GraphQLSyntaxError as exc:
        loc = exc.locations[0] if exc.locations else None
        where = (Location(source.origin, loc.line, loc.column),) if loc else ()
        return CompositionError(
            code="INVALID_GRAPHQL",
            message=f"[{source.name}] {exc.message}",
            subgraphs=(source.name,),
            locations=where,
            fix="Correct the GraphQL syntax at the position shown.",
        )


def schema_nodes(doc: DocumentNode) -> list[SchemaDefinitionNode | SchemaExtensionNode]:
    return [d for d in doc.definitions if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode)]


def detect_link(doc: DocumentNode, latest: tuple[int, int] = LATEST_VERSION) -> LinkInfo:
    """The federation ``@link`` of a subgraph (Federation 1 without one), with the problems of
    its other links (a feature composition cannot honour)."""
    links = [
        link_args(directive)
        for node in schema_nodes(doc)
        for directive in node.directives or ()
        if directive.name.value == "link"
    ]
    federation = next(
        (args for args in links if str(args.get("url", "")).startswith(FEDERATION_URL)), None
    )
    info = federation_link(federation, latest) if federation is not None else fed1_link()
    extra = unsupported_links(links)
    return replace(info, problems=info.problems + extra) if extra else info


def location(node: Node | None, origin: str) -> Location:
    if node is None or node.loc is None:
        return Location(origin, 0, 0)
    line, column = _line_index(node.loc.source.body).position(node.loc.start)
    return Location(origin, line, column)


class _LineIndex:
    """Offsets of line starts, to turn a character offset into (line, column) quickly."""

    def __init__(self, body: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|[\n\r]", body)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


@lru_cache(maxsize=64)
def _line_index(body: str) -> _LineIndex:
    return _LineIndex(body)


class _Builder:
    """Turns AST nodes into model objects, renaming root types and federation directives."""

    def __init__(self, source: SubgraphSource, link: LinkInfo, renames: Mapping[str, str]):
        self.source = source
        self.link = link
        self.renames = renames

    def loc(self, node: Node | None) -> Location:
        return location(node, self.source.origin)

    def type_ref(self, node: Node) -> str:
        printed = print_ast(node)
        name = printed.strip("[]!")
        return printed.replace(name, self.renames.get(name, name), 1)

    def directives(self, nodes: Iterable[DirectiveNode] | None) -> tuple[Directive, ...]:
        return tuple(self.directive(node) for node in nodes or ())

    def directive(self, node: DirectiveNode) -> Directive:
        local = node.name.value
        canonical = self.link.names.get(local)
        args = {a.name.value: value_from_ast_untyped(a.value) for a in node.arguments or ()}
        return Directive(
            name=canonical or local,
            args=args,
            loc=self.loc(node),
            source=print_ast(node)[len(local) + 1 :],
            federation=canonical is not None,
            local=local if canonical is not None and local != canonical else "",
        )

    def argument(self, node: InputValueDefinitionNode) -> Argument:
        return Argument(
            name=node.name.value,
            type=self.type_ref(node.type),
            default=print_ast(node.default_value) if node.default_value else None,
            description=node.description.value if node.description else None,
            directives=self.directives(node.directives),
            loc=self.loc(node),
        )

    def field(self, node: Any) -> Field:
        is_input = isinstance(node, InputValueDefinitionNode)
        return Field(
            name=node.name.value,
            type=self.type_ref(node.type),
            args=() if is_input else tuple(self.argument(a) for a in node.arguments or ()),
            description=node.description.value if node.description else None,
            directives=self.directives(node.directives),
            loc=self.loc(node),
            default=print_ast(node.default_value) if is_input and node.default_value else None,
        )

    def type_def(self, nodes: list[TypeDefinitionNode | TypeExtensionNode]) -> TypeDef:
        first = next((n for n in nodes if not isinstance(n, TypeExtensionNode)), nodes[0])
        name = self.renames.get(first.name.value, first.name.value)
        fields = [self.field(f) for n in nodes for f in getattr(n, "fields", None) or ()]
        if name == "Query":
            fields = [f for f in fields if f.name not in HIDDEN_ROOT_FIELDS]
        directives = self.directives(d for n in nodes for d in n.directives or ())
        extension = all(isinstance(n, TypeExtensionNode) for n in nodes)
        return TypeDef(
            name=name,
            kind=KINDS[type(first)],
            loc=self.loc(first.name),
            description=_description(first),
            directives=directives,
            fields=tuple(fields),
            interfaces=tuple(
                i.name.value for n in nodes for i in getattr(n, "interfaces", ()) or ()
            ),
            members=tuple(
                self.renames.get(m.name.value, m.name.value)
                for n in nodes
                for m in getattr(n, "types", ()) or ()
            ),
            values=tuple(self.enum_value(v) for n in nodes for v in getattr(n, "values", ()) or ()),
            extension=extension or any(d.name == "extends" for d in directives),
        )

    def enum_value(self, node: Any) -> EnumValue:
        return EnumValue(
            name=node.name.value,
            description=node.description.value if node.description else None,
            directives=self.directives(node.directives),
            loc=self.loc(node),
        )

    def directive_def(self, node: DirectiveDefinitionNode) -> DirectiveDef:
        return DirectiveDef(
            name=node.name.value,
            args=tuple(self.argument(a) for a in node.arguments or ()),
            locations=tuple(loc.value for loc in node.locations),
            repeatable=node.repeatable,
            loc=self.loc(node),
            description=node.description.value if node.description else None,
        )


def _description(node: Node) -> str | None:
    desc = getattr(node, "description", None)
    return str(desc.value) if desc is not None else None


def root_renames(doc: DocumentNode) -> dict[str, str]:
    renames: dict[str, str] = {}
    for node in schema_nodes(doc):
        for op in node.operation_types or ():
            default = ROOT_NAMES[op.operation.value]
            if op.type.name.value != default:
                renames[op.type.name.value] = default
    return renames


def build_subgraph(source: SubgraphSource, doc: DocumentNode, link: LinkInfo) -> Subgraph:
    builder = _Builder(source, link, root_renames(doc))
    grouped: dict[str, list[TypeDefinitionNode | TypeExtensionNode]] = {}
    directive_defs: dict[str, DirectiveDef] = {}
    schema_directives: list[Directive] = []
    for node in doc.definitions:
        if isinstance(node, TypeDefinitionNode | TypeExtensionNode):
            if node.name.value not in FEDERATION_TYPES:
                grouped.setdefault(node.name.value, []).append(node)
        elif isinstance(node, DirectiveDefinitionNode):
            name = node.name.value
            if name not in link.names and name != "link" and name not in EVENT_DIRECTIVES:
                directive_defs[node.name.value] = builder.directive_def(node)
        elif isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            schema_directives.extend(builder.directives(node.directives))
    types = {}
    for nodes in grouped.values():
        type_def = builder.type_def(nodes)
        types[type_def.name] = type_def
    composed = tuple(d for d in schema_directives if d.name == "composeDirective")
    return Subgraph(
        name=source.name,
        url=source.url,
        file=source.origin,
        version=link.version,
        types=types,
        directive_defs=directive_defs,
        composed_directives=composed,
        links=tuple(d for d in schema_directives if d.name == "link"),
    )
