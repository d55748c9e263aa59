"""Supergraph SDL text → ``Supergraph`` model, with clear errors for bad input.

Stages: parse → read the ``@link``s (refuse unsupported features) → read ``join__Graph`` →
read every type and field with its join directives → build the API schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graphql import (
    ConstDirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    GraphQLError,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    print_ast,
    value_from_ast_untyped,
)
from graphql.language import (
    FieldDefinitionNode,
    InputValueDefinitionNode,
    ListTypeNode,
    NonNullTypeNode,
    TypeNode,
)

from ..errors import SupergraphError
from ..gc_pause import kept_for_long
from ..spec.link import Link, parse_feature_url
from .api_schema import build_api_schema
from .fast_parse import parse_sdl
from .model import (
    ArgumentDef,
    ContextArgument,
    FieldDef,
    JoinField,
    JoinType,
    SubgraphInfo,
    Supergraph,
    TypeDef,
    TypeKind,
    TypeRef,
)
from .names import FeatureNames

__all__ = ["load_supergraph"]

# Versions of each spec the runtime understands. A linked feature that is not listed and is
# marked ``for: SECURITY`` or ``for: EXECUTION`` must make us refuse the supergraph (link spec).
SUPPORTED: Mapping[str, frozenset[tuple[int, int]]] = {
    "link": frozenset({(1, 0)}),
    "join": frozenset({(0, 2), (0, 3), (0, 4), (0, 5)}),
    "inaccessible": frozenset({(0, 1), (0, 2)}),
    "context": frozenset({(0, 1)}),
    "tag": frozenset({(0, 1), (0, 2), (0, 3)}),
    # @cacheTag (federation v2.12, as @join__directive) names the entries of a router's
    # response cache for invalidation; without a response cache the answers are the same
    # whether or not the tags are read, so ignoring them honours the feature.
    "cacheTag": frozenset({(0, 1)}),
    # the authorization directives: enforced by default (gateway/auth/); Apollo Router
    # serves them unenforced only when `authorization.directives.enabled: false` says so
    "authenticated": frozenset({(0, 1)}),
    "requiresScopes": frozenset({(0, 1)}),
    "policy": frozenset({(0, 1)}),
    # events: broker-fed subscription and publish fields (gateway/events, docs/events.md);
    # a Gateway refuses such a supergraph unless fedgate.events configures their providers
    "events": frozenset({(0, 1)}),
}

_KINDS: Mapping[type, TypeKind] = {
    ObjectTypeDefinitionNode: "OBJECT",
    InterfaceTypeDefinitionNode: "INTERFACE",
    UnionTypeDefinitionNode: "UNION",
    EnumTypeDefinitionNode: "ENUM",
    InputObjectTypeDefinitionNode: "INPUT_OBJECT",
    ScalarTypeDefinitionNode: "SCALAR",
}


def load_supergraph(sdl: str, *, source: str = "supergraph") -> Supergraph:
    with kept_for_long():  # a million long-lived objects: see gc_pause.py
        return _load(sdl, source)


def _load(sdl: str, source: str) -> Supergraph:
    document = _parse(sdl, source)
    schema_def = _schema_definition(document, source)
    names = FeatureNames(_links(schema_def, source))
    graphs = _graphs(document, names, source)
    by_enum = _GraphValues({g.enum_value: g.name for g in graphs.values()})
    types = _types(document, names, by_enum, source)
    _check_contexts(types, source)
    roots = _root_types(schema_def)
    return Supergraph(
        sdl=sdl,
        graphs=graphs,
        types=types,
        query_type=roots.get("query", "Query"),
        mutation_type=roots.get("mutation"),
        subscription_type=roots.get("subscription"),
        api_schema=build_api_schema(document, names, source),
        implementations=_implementations(types),
    )


class _GraphValues(dict[str, str]):
    """``join__Graph`` values → subgraph names; a join directive naming another value is a
    clear error (not a KeyError that reads as a crash). One per load; it also keeps the
    ``JoinField`` read from each applied directive node, as the fast parser shares equal
    ones (``@join__field(graph: S0)`` is read once, not thousands of times)."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)
        self.join_fields: dict[int, JoinField] = {}

    def __missing__(self, key: str) -> str:
        raise SupergraphError(f"a join directive's graph: {key} is no value of enum join__Graph")


def _types(
    document: DocumentNode, names: FeatureNames, by_enum: Mapping[str, str], source: str
) -> dict[str, TypeDef]:
    types: dict[str, TypeDef] = {}
    for d in document.definitions:
        if isinstance(d, TypeDefinitionNode) and not names.is_machinery_type(d.name.value):
            try:
                types[d.name.value] = _type(d, names, by_enum)
            except SupergraphError as exc:
                raise SupergraphError(f"{source}: type {d.name.value}: {exc.message}") from None
            except KeyError as exc:
                raise SupergraphError(
                    f"{source}: type {d.name.value}: a join directive lacks its argument {exc}"
                ) from None
    return types


def _check_contexts(types: Mapping[str, TypeDef], source: str) -> None:
    """A @fromContext argument whose context no type sets could never get its value."""
    declared = {c for t in types.values() for c in t.contexts}
    for t in types.values():
        for f in t.fields.values():
            for j in f.joins:
                for arg in j.context_arguments:
                    if arg.context not in declared:
                        raise SupergraphError(
                            f"{source}: {t.name}.{f.name}(argument {arg.name}) takes its value "
                            f'from context "{arg.context}", which no type sets with @context'
                        )


def _parse(sdl: str, source: str) -> DocumentNode:
    try:
        # graphql-core's tree without source locations (nothing reads them; a syntax error
        # still has its line and column), by the fast path when it can: fast_parse.py
        return parse_sdl(sdl)
    except GraphQLError as error:
        where = _where(source, error)
        raise SupergraphError(f"{where}: syntax error: {error.message}") from None


def _where(source: str, error: GraphQLError) -> str:
    if error.locations:
        loc = error.locations[0]
        return f"{source}:{loc.line}:{loc.column}"
    return source


def _schema_definition(document: DocumentNode, source: str) -> SchemaDefinitionNode:
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            return definition
    raise SupergraphError(
        f"{source}: not a supergraph: no `schema @link(...)` definition. "
        "Compose the subgraphs with `fedgate compose` (or rover) and serve its output."
    )


def _links(schema_def: SchemaDefinitionNode, source: str) -> list[Link]:
    directives = schema_def.directives or ()
    if any(d.name.value == "core" for d in directives):
        raise SupergraphError(
            f"{source}: this supergraph uses the core spec (@core, Federation 1 composition); "
            "recompose it with Federation 2 composition (`fedgate compose`), which also "
            "accepts Federation 1 subgraphs."
        )
    links = [_link(d, source) for d in directives if d.name.value == "link"]
    if not any(link.url.name == "link" for link in links):
        raise SupergraphError(f"{source}: the schema does not @link the link spec v1.0")
    for link in links:
        _check_supported(link, source)
    if not any(link.url.name == "join" for link in links):
        raise SupergraphError(f"{source}: the schema does not @link the join spec")
    return links


def _link(directive: ConstDirectiveNode, source: str) -> Link:
    args = directive_args(directive)
    url = parse_feature_url(str(args.get("url", "")))
    if url is None:
        raise SupergraphError(f"{source}: @link(url: {args.get('url')!r}) is not a feature URL")
    imports: list[tuple[str, str]] = []
    for item in args.get("import") or ():
        if isinstance(item, str):
            imports.append((item, item))
        elif isinstance(item, dict) and "name" in item:
            imports.append((str(item["name"]), str(item.get("as", item["name"]))))
    prefix = str(args.get("as") or url.name)
    purpose = args.get("for")
    return Link(url=url, prefix=prefix, purpose=purpose, imports=tuple(imports))


def _check_supported(link: Link, source: str) -> None:
    versions = SUPPORTED.get(link.url.name)
    if versions is not None and link.url.version in versions:
        return
    if versions is None and link.purpose is None:
        return  # a feature we do not know but which does not change execution or security
    supported = ", ".join(f"v{a}.{b}" for a, b in sorted(versions or ()))
    detail = f" (supported: {supported})" if supported else ""
    raise SupergraphError(
        f"{source}: unsupported feature {link.url.identity}/{link.url.version_text}"
        f"{' for ' + link.purpose if link.purpose else ''}{detail}; "
        "fedgate refuses to serve a supergraph whose execution or security it cannot honour."
    )


def directive_args(directive: ConstDirectiveNode) -> dict[str, Any]:
    return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}


def _graphs(document: DocumentNode, names: FeatureNames, source: str) -> dict[str, SubgraphInfo]:
    enum_name = names.join_type("Graph")
    graph_directive = names.join_directive("graph")
    for definition in document.definitions:
        if isinstance(definition, EnumTypeDefinitionNode) and definition.name.value == enum_name:
            graphs: dict[str, SubgraphInfo] = {}
            for value in definition.values or ():
                args = _first_args(value.directives, graph_directive)
                if args is None or "name" not in args:
                    raise SupergraphError(
                        f"{source}: {enum_name}.{value.name.value} has no @{graph_directive}"
                        "(name:, url:)"
                    )
                name = str(args["name"])
                graphs[name] = SubgraphInfo(name, value.name.value, str(args.get("url") or ""))
            return graphs
    raise SupergraphError(f"{source}: no `enum {enum_name}` listing the subgraphs")


def _first_args(
    directives: Iterable[ConstDirectiveNode] | None, name: str
) -> dict[str, Any] | None:
    for directive in directives or ():
        if directive.name.value == name:
            return directive_args(directive)
    return None


def _all_args(directives: Iterable[ConstDirectiveNode] | None, name: str) -> list[dict[str, Any]]:
    return [directive_args(d) for d in directives or () if d.name.value == name]


def _type(node: TypeDefinitionNode, names: FeatureNames, by_enum: Mapping[str, str]) -> TypeDef:
    directives = node.directives
    inaccessible = names.inaccessible is not None and any(
        d.name.value == names.inaccessible for d in directives or ()
    )
    return TypeDef(
        name=node.name.value,
        kind=_KINDS[type(node)],
        joins=tuple(_join_type(a, by_enum) for a in _all_args(directives, names.join_type_d)),
        fields=_fields(node, names, by_enum),
        interfaces=_interfaces(node, names, by_enum),
        members=_members(node, names, by_enum),
        values=_values(node, names, by_enum),
        inaccessible=inaccessible,
        contexts=tuple(str(a["name"]) for a in _all_args(directives, names.context) if "name" in a),
    )


def _join_type(args: dict[str, Any], by_enum: Mapping[str, str]) -> JoinType:
    return JoinType(
        graph=by_enum[args["graph"]],
        key=args.get("key"),
        resolvable=args.get("resolvable", True) is not False,
        extension=bool(args.get("extension", False)),
        is_interface_object=bool(args.get("isInterfaceObject", False)),
    )


def _fields(
    node: TypeDefinitionNode, names: FeatureNames, by_enum: Mapping[str, str]
) -> dict[str, FieldDef]:
    raw = getattr(node, "fields", None) or ()
    return {f.name.value: _field(f, names, by_enum) for f in raw}


def _field(
    node: FieldDefinitionNode | InputValueDefinitionNode,
    names: FeatureNames,
    by_enum: Mapping[str, str],
) -> FieldDef:
    arguments = getattr(node, "arguments", None) or ()
    return FieldDef(
        name=node.name.value,
        type=type_ref(node.type),
        arguments=tuple(_argument(a, names) for a in arguments),
        joins=_join_fields(node.directives, names.join_field, by_enum),
        inaccessible=names.has_inaccessible(node.directives),
    )


def _argument(node: InputValueDefinitionNode, names: FeatureNames) -> ArgumentDef:
    default = print_ast(node.default_value) if node.default_value is not None else None
    return ArgumentDef(
        name=node.name.value,
        type=type_ref(node.type),
        default=default,
        inaccessible=names.has_inaccessible(node.directives),
    )


def _join_fields(
    directives: Iterable[ConstDirectiveNode] | None, name: str, by_enum: Mapping[str, str]
) -> tuple[JoinField, ...]:
    read = by_enum.join_fields if isinstance(by_enum, _GraphValues) else {}
    joins = []
    for directive in directives or ():
        if directive.name.value == name:
            # by the node's identity: the nodes live as long as the document being read
            join = read.get(id(directive))
            if join is None:
                join = read[id(directive)] = _join_field(directive_args(directive), by_enum)
            joins.append(join)
    return tuple(joins)


def _join_field(args: dict[str, Any], by_enum: Mapping[str, str]) -> JoinField:
    graph = args.get("graph")
    return JoinField(
        graph=by_enum[graph] if graph is not None else None,
        requires=args.get("requires"),
        provides=args.get("provides"),
        type=args.get("type"),
        external=bool(args.get("external", False)),
        override=args.get("override"),
        override_label=args.get("overrideLabel"),
        used_overridden=bool(args.get("usedOverridden", False)),
        context_arguments=tuple(_context_argument(c) for c in args.get("contextArguments") or ()),
    )


def _context_argument(raw: Any) -> ContextArgument:
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(k), str) for k in ("context", "name", "type", "selection")
    ):
        raise SupergraphError(
            f"join__field contextArguments: {raw!r} is not a join__ContextArgument "
            "{context:, name:, type:, selection:}"
        )
    return ContextArgument(raw["context"], raw["name"], raw["type"], raw["selection"])


def _interfaces(
    node: TypeDefinitionNode, names: FeatureNames, by_enum: Mapping[str, str]
) -> dict[str, frozenset[str] | None]:
    declared = [i.name.value for i in getattr(node, "interfaces", None) or ()]
    joins = _all_args(node.directives, names.join_directive("implements"))
    return _per_graph(declared, [(j["interface"], by_enum[j["graph"]]) for j in joins])


def _members(
    node: TypeDefinitionNode, names: FeatureNames, by_enum: Mapping[str, str]
) -> dict[str, frozenset[str] | None]:
    declared = [t.name.value for t in getattr(node, "types", None) or ()]
    joins = _all_args(node.directives, names.join_directive("unionMember"))
    return _per_graph(declared, [(j["member"], by_enum[j["graph"]]) for j in joins])


def _values(
    node: TypeDefinitionNode, names: FeatureNames, by_enum: Mapping[str, str]
) -> dict[str, frozenset[str] | None]:
    if not isinstance(node, EnumTypeDefinitionNode):
        return {}
    values: dict[str, frozenset[str] | None] = {}
    directive = names.join_directive("enumValue")
    for value in node.values or ():
        joins = _all_args(value.directives, directive)
        graphs = frozenset(by_enum[j["graph"]] for j in joins)
        values[value.name.value] = graphs or None
    return values


def _per_graph(
    declared: list[str], joined: list[tuple[str, str]]
) -> dict[str, frozenset[str] | None]:
    """Without any join record, every element holds in every graph (older join versions)."""
    if not joined:
        return {name: None for name in declared}
    graphs: dict[str, set[str]] = {name: set() for name in declared}
    for name, graph in joined:
        graphs.setdefault(name, set()).add(graph)
    return {name: frozenset(g) for name, g in graphs.items()}


def type_ref(node: TypeNode) -> TypeRef:
    text = _type_text(node)
    return TypeRef(text=text, named=text.strip("[]!"))


def _type_text(node: TypeNode) -> str:
    """``print_ast`` of a type reference, without its visitor (a tenth of the model's time)."""
    if isinstance(node, NonNullTypeNode):
        return _type_text(node.type) + "!"
    if isinstance(node, ListTypeNode):
        return "[" + _type_text(node.type) + "]"
    return str(node.name.value)  # type: ignore[attr-defined]


def _root_types(schema_def: SchemaDefinitionNode) -> dict[str, str]:
    return {op.operation.value: op.type.name.value for op in schema_def.operation_types}


def _implementations(types: Mapping[str, TypeDef]) -> dict[str, tuple[str, ...]]:
    impls: dict[str, list[str]] = {}
    for t in types.values():
        if t.kind == "OBJECT":
            for iface in t.interfaces:
                impls.setdefault(iface, []).append(t.name)
    return {k: tuple(sorted(v)) for k, v in impls.items()}
