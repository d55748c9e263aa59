"""Each subgraph's schema, extracted from a supergraph's join directives.

The data server executes these schemas with generic resolvers, so it needs for every graph:
the types it defines (``join__type``), their fields there (``join__field``, with the type the
graph gives the field, e.g. a concrete object where the supergraph has a union), interface
implementations and union members there (``join__implements`` / ``join__unionMember``), enum
values there (``join__enumValue``), and the federation facts the resolvers honour (keys,
``@external``, ``@provides``, ``@requires``, ``@interfaceObject``). The output is a plain
executable SDL (no federation directives) plus the ``_service``/``_entities`` root fields; the
facts stay in the ``Supergraph`` model, looked up through ``GraphView``.

One code path for every source (corpus cases with their own SDL files too): what the gateways
plan on is the supergraph, so a subgraph as the supergraph describes it is what they expect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from graphql import (
    FieldNode,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    build_ast_schema,
    parse,
    value_from_ast_untyped,
)

from gateway.supergraph import FieldDef, Supergraph, TypeDef

__all__ = ["FieldTree", "GraphView", "extract_graphs", "parse_fieldset"]

FieldTree = dict[str, "FieldTree"]
"""A parsed field set: field name → its sub-selection (type conditions merged away)."""

_BUILTIN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


@lru_cache(maxsize=4096)
def parse_fieldset(text: str) -> FieldTree:
    """Cached: callers must not modify the tree they get."""
    document = parse("{" + text + "}", no_location=True)
    selection = document.definitions[0].selection_set  # type: ignore[attr-defined]
    return _tree(selection)


def _tree(selection_set: SelectionSetNode | None) -> FieldTree:
    tree: FieldTree = {}
    for node in selection_set.selections if selection_set else ():
        if isinstance(node, FieldNode):
            sub = tree.setdefault(node.name.value, {})
            _merge(sub, _tree(node.selection_set))
        elif isinstance(node, InlineFragmentNode):
            _merge(tree, _tree(node.selection_set))
    return tree


def _merge(into: FieldTree, other: FieldTree) -> None:
    for name, sub in other.items():
        _merge(into.setdefault(name, {}), sub)


@dataclass(slots=True)
class GraphView:
    """One subgraph as the supergraph describes it."""

    name: str
    supergraph: Supergraph
    sdl: str = ""
    schema: GraphQLSchema | None = None
    entity_types: list[str] = field(default_factory=list)
    key_trees: dict[str, FieldTree] = field(default_factory=dict)
    # (type, field, graph) → "name: Type" of the @fromContext arguments (join v0.5
    # contextArguments): the subgraph declares them, the supergraph's field does not
    context_args: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)

    def has_type(self, type_def: TypeDef) -> bool:
        return _in_graph(type_def, self.name)

    def is_interface_object(self, type_name: str) -> bool:
        type_def = self.supergraph.types.get(type_name)
        if type_def is None:
            return False
        return any(j.graph == self.name and j.is_interface_object for j in type_def.joins)

    def field_join(self, type_name: str, field_name: str) -> tuple[FieldDef | None, object]:
        """The supergraph field and this graph's ``JoinField`` for it (None when implicit)."""
        type_def = self.supergraph.types.get(type_name)
        field_def = type_def.fields.get(field_name) if type_def else None
        if field_def is None:
            return None, None
        for join in field_def.joins:
            if join.graph == self.name:
                return field_def, join
        return field_def, None

    def keys(self, type_name: str) -> list[str]:
        """Key field sets of a type in any graph (key values derive from the identity)."""
        type_def = self.supergraph.types.get(type_name)
        if type_def is None:
            return []
        keys = [j.key for j in type_def.joins if j.key]
        for interface in type_def.interfaces:
            iface = self.supergraph.types.get(interface)
            if iface is not None:
                keys += [j.key for j in iface.joins if j.key]
        return keys


def extract_graphs(supergraph: Supergraph, sdl: str | None = None) -> dict[str, GraphView]:
    """``sdl``: the supergraph text when the model was loaded from a reduced one."""
    views = {name: GraphView(name, supergraph) for name in supergraph.graphs}
    contextual = _context_arguments(supergraph, sdl or supergraph.sdl)
    for view in views.values():
        view.context_args = contextual
        view.sdl, view.entity_types = _graph_sdl(supergraph, view)
        view.schema = build_ast_schema(parse(view.sdl), assume_valid=True, assume_valid_sdl=True)
    return views


def _in_graph(type_def: TypeDef, graph: str) -> bool:
    return not type_def.joins or any(j.graph == graph for j in type_def.joins)


def _field_in_graph(field_def: FieldDef, graph: str) -> bool:
    return not field_def.joins or any(j.graph == graph for j in field_def.joins)


def _field_type(field_def: FieldDef, graph: str) -> str:
    for join in field_def.joins:
        if join.graph == graph and join.type:
            return join.type
    return field_def.type.text


def _graph_sdl(supergraph: Supergraph, view: GraphView) -> tuple[str, list[str]]:
    graph = view.name
    present = {n for n, t in supergraph.types.items() if _in_graph(t, graph)} | _BUILTIN_SCALARS
    entities = [
        name
        for name, type_def in sorted(supergraph.types.items())
        if name in present
        and (type_def.kind == "OBJECT" or view.is_interface_object(name))
        and any(j.graph == graph and j.key and j.resolvable for j in type_def.joins)
    ]
    query_type = supergraph.query_type
    federation = ["_service: _Service!"]
    if entities:
        federation.append("_entities(representations: [_Any!]!): [_Entity]!")
    blocks = ["scalar _Any", "type _Service {\n  sdl: String\n}"]
    if entities:
        blocks.append(f"union _Entity = {' | '.join(entities)}")
    if query_type not in present:
        blocks.append(f"type {query_type} {{\n  " + "\n  ".join(federation) + "\n}")
    roots = {supergraph.query_type, supergraph.mutation_type}
    for name, type_def in sorted(supergraph.types.items()):
        if name not in present or name == supergraph.subscription_type:
            continue
        is_object = type_def.kind == "OBJECT" or view.is_interface_object(name)
        extra = federation if name == query_type else []
        block = _type_block(type_def, view, present, is_object, name in roots, extra)
        if block:
            blocks.append(block)
    schema = f"schema {{ query: {query_type}"
    if supergraph.mutation_type and _has_fields(supergraph, supergraph.mutation_type, graph):
        schema += f" mutation: {supergraph.mutation_type}"
    return schema + " }\n\n" + "\n\n".join(blocks) + "\n", entities


def _has_fields(supergraph: Supergraph, type_name: str, graph: str) -> bool:
    type_def = supergraph.types.get(type_name)
    return (
        type_def is not None
        and _in_graph(type_def, graph)
        and any(_field_in_graph(f, graph) for f in type_def.fields.values())
    )


def _type_block(
    type_def: TypeDef,
    view: GraphView,
    present: set[str],
    is_object: bool,
    is_root: bool,
    extra: list[str],
) -> str:
    graph, name = view.name, type_def.name
    kind = type_def.kind
    if kind == "SCALAR":
        return "" if name in _BUILTIN_SCALARS else f"scalar {name}"
    if kind == "ENUM":
        values = [v for v, graphs in type_def.values.items() if graphs is None or graph in graphs]
        return f"enum {name} {{ {' '.join(values or ['_EMPTY'])} }}"
    if kind == "UNION":
        members = _declared(type_def.members, graph, present, view, "OBJECT")
        return f"union {name} = {' | '.join(members)}" if members else ""
    fields = _fields(type_def, view, present, is_input=kind == "INPUT_OBJECT") + extra
    if not fields and not is_root:
        fields = ["_empty: Boolean"]
    if not fields:
        return ""
    body = "\n".join(f"  {f}" for f in fields)
    if kind == "INPUT_OBJECT":
        return f"input {name} {{\n{body}\n}}"
    keyword = "type" if is_object else "interface"
    interfaces = _declared(type_def.interfaces, graph, present, view, "INTERFACE")
    implements = f" implements {' & '.join(interfaces)}" if interfaces else ""
    return f"{keyword} {name}{implements} {{\n{body}\n}}"


def _declared(
    mapping: dict[str, frozenset[str] | None] | object,
    graph: str,
    present: set[str],
    view: GraphView,
    kind: str,
) -> list[str]:
    names: list[str] = []
    for name, graphs in mapping.items():  # type: ignore[attr-defined]
        if (graphs is not None and graph not in graphs) or name not in present:
            continue
        target = view.supergraph.types[name]
        if kind == "INTERFACE" and view.is_interface_object(name):
            continue
        if kind == "OBJECT" and target.kind != "OBJECT":
            continue
        names.append(name)
    return names


def _fields(type_def: TypeDef, view: GraphView, present: set[str], *, is_input: bool) -> list[str]:
    lines: list[str] = []
    for field_def in type_def.fields.values():
        if not _field_in_graph(field_def, view.name):
            continue
        type_text = _field_type(field_def, view.name)
        if _named(type_text) not in present:
            continue
        if is_input:
            lines.append(f"{field_def.name}: {type_text}")
            continue
        args = [
            f"{a.name}: {a.type.text}" + (f" = {a.default}" if a.default is not None else "")
            for a in field_def.arguments
            if a.type.named in present
        ]
        args += view.context_args.get((type_def.name, field_def.name, view.name), [])
        signature = f"({', '.join(args)})" if args else ""
        lines.append(f"{field_def.name}{signature}: {type_text}")
    return lines


def _named(type_text: str) -> str:
    return type_text.strip("[]!")


def _context_arguments(supergraph: Supergraph, sdl: str) -> dict[tuple[str, str, str], list[str]]:
    if "contextArguments" not in sdl:
        return {}
    by_enum = {info.enum_value: name for name, info in supergraph.graphs.items()}
    found: dict[tuple[str, str, str], list[str]] = {}
    for definition in parse(sdl, no_location=True).definitions:
        for field_node in getattr(definition, "fields", None) or ():
            for directive in field_node.directives or ():
                if directive.name.value != "join__field":
                    continue
                args = {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments}
                graph = by_enum.get(str(args.get("graph")))
                for item in args.get("contextArguments") or ():
                    key = (definition.name.value, field_node.name.value, graph or "")
                    found.setdefault(key, []).append(f"{item['name']}: {item['type']}")
    return found
