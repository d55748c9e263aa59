"""Both plan modes, executed: every golden plan is also planned with ``batch=True`` (the waves of
``BatchFetch`` that ``fedgate serve`` uses), must fetch exactly what the tree plan fetches, and
both plans run against generated in-process subgraphs with the same answer.

The subgraphs are generated from the supergraph: each subgraph's schema as the join directives
describe it (its types, fields with their subgraph types, union members, implementations, enum
values, ``_entities``), and deterministic data — every value is a function of the path that led
to it, or of the representation an entity was asked with. Whatever the plan sends, a subgraph
answers the same request the same way, so the two modes must agree to the byte.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    get_named_type,
    print_ast,
    validate_schema,
)

from gateway.config import GatewayConfig
from gateway.config.auth import AuthorizationConfig
from gateway.pipeline import Gateway
from gateway.planner import Planner
from gateway.planner.plan import BatchFetch, Condition, Fetch, Flatten, Parallel, PlanNode, Sequence
from gateway.supergraph import Supergraph
from gateway.supergraph.model import FieldDef, TypeDef
from gateway.transport.local import GraphQLCoreApp, LocalClient

__all__ = ["check_modes", "fetches", "generated_apps", "root_value"]

_BUILTIN = frozenset({"String", "Int", "Float", "Boolean", "ID"})
_apps: dict[str, dict[str, GraphQLSchema] | None] = {}


def check_modes(
    sg: Supergraph, document: DocumentNode, operation_name: str | None, *, notes: bool = False
) -> None:
    """Plan in batch mode too, compare what the two plans fetch, run both, compare answers.
    ``notes``: value completion notes are allowed (random operations reach shareable abstract
    fields whose generated runtime types differ per subgraph, which real subgraphs must not)."""
    tree = Planner(sg).plan(document, operation_name)
    batch = Planner(sg, batch=True).plan(document, operation_name)
    assert sorted(fetches(batch.node)) == sorted(fetches(tree.node)), "batch plan fetches differ"
    schemas = generated_apps(sg)
    if schemas is None:
        return  # a hand-written supergraph no composer would make: no subgraphs to generate
    query = print_ast(document)
    for variables in _variable_sets(document, operation_name):
        answers = [_run(schemas, sg, query, variables, operation_name, m) for m in (False, True)]
        assert answers[0] == answers[1], f"tree and batch answers differ for {variables}"
        if _NOT_MODELLED.isdisjoint(_features(sg)):
            # generated data always fits the schema: an error or a note is a bug
            assert set(answers[0]) <= ({"data", "extensions"} if notes else {"data"}), answers[0]


# Supergraph features the generated subgraphs do not model (an argument only the subgraph has,
# set by the gateway from a context): the answers of both modes must still agree.
_NOT_MODELLED = frozenset({"contextArguments"})


def _features(sg: Supergraph) -> set[str]:
    return {word for word in _NOT_MODELLED if word in sg.sdl}


def fetches(node: PlanNode | None, conds: tuple[str, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """(service, path, operation's selection, conditions) of every fetch, batched or not."""
    match node:
        case Fetch():
            yield (node.service, (), node.operation, repr(node.requires), conds)
        case Flatten(path=path, node=inner):
            yield (inner.service, path, inner.operation, repr(inner.requires), conds)
        case BatchFetch(entries=entries):
            for entry in entries:
                yield from fetches(entry, conds)
        case Sequence(nodes=nodes) | Parallel(nodes=nodes):
            for n in nodes:
                yield from fetches(n, conds)
        case Condition(condition=c, if_clause=yes, else_clause=no):
            yield from fetches(yes, (*conds, f"if {c}"))
            yield from fetches(no, (*conds, f"unless {c}"))


def _run(
    schemas: Mapping[str, GraphQLSchema],
    sg: Supergraph,
    query: str,
    variables: dict[str, Any],
    name: str | None,
    batch: bool,
) -> Any:
    apps = {g: GraphQLCoreApp(s, root_value=root_value(sg.query_type)) for g, s in schemas.items()}
    # the plans of the whole operation: authorization directives (the demo graph's) not enforced
    config = GatewayConfig(batch_fetches=batch, authorization=AuthorizationConfig(enabled=False))
    gateway = Gateway(sg, LocalClient(apps), config)
    return asyncio.run(gateway.execute(query, variables, name))


# -- variables ------------------------------------------------------------------------------


def _variable_sets(document: DocumentNode, name: str | None) -> list[dict[str, Any]]:
    """Every boolean variable true, then every one false; other variables get a value of
    their type when they must have one."""
    op = next(
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (name is None or (d.name and d.name.value == name))
    )
    defs = op.variable_definitions or ()
    booleans = [d for d in defs if _named(d.type) == "Boolean"]
    others = {d.variable.name.value: _input_value(d) for d in defs if d not in booleans}
    others = {k: v for k, v in others.items() if v is not None}
    if not booleans:
        return [others]
    return [{**others, **{d.variable.name.value: flag for d in booleans}} for flag in (True, False)]


def _named(type_node: Any) -> str:
    while not hasattr(type_node, "name") or type_node.kind != "named_type":
        type_node = type_node.type
    return str(type_node.name.value)


def _input_value(definition: Any) -> Any:
    if definition.default_value is not None or definition.type.kind != "non_null_type":
        return None
    inner = definition.type.type
    if inner.kind == "list_type":
        return []
    return {"Int": 1, "Float": 1.0, "String": "1", "ID": "1"}.get(inner.name.value, "1")


# -- generated subgraphs --------------------------------------------------------------------


def generated_apps(sg: Supergraph) -> dict[str, GraphQLSchema] | None:
    """One generated subgraph schema per subgraph (cached per supergraph); None when the
    supergraph's subgraphs are not valid schemas."""
    key = sg.sdl  # not id(sg): hand-written supergraphs are not kept, their ids are reused
    if key not in _apps:
        schemas = {g: _schema(sg, g) for g in sg.graphs}
        valid = all(not validate_schema(s) for s in schemas.values()) and all(
            "_entities" in s.query_type.fields  # type: ignore[union-attr]
            for g, s in schemas.items()
            if any(_entity_key_in(t, g) and t.kind == "INTERFACE" for t in sg.types.values())
        )
        _apps[key] = schemas if valid else None
    return _apps[key]


def _schema(sg: Supergraph, graph: str) -> GraphQLSchema:
    types = [t for t in sg.types.values() if _in_graph(t, graph) and _is_user_type(t.name)]
    entities = [t.name for t in types if _entity_in(t, graph) or _implements_entity(sg, t, graph)]
    parts = [_print_type(sg, t, graph) for t in types]
    if not any(t.name == sg.query_type for t in types):
        parts.append(f"type {sg.query_type} {{ _generated: Int }}")
    parts.append("scalar _Any")
    if entities:
        parts.append(f"union _Entity = {' | '.join(entities)}")
        parts.append(
            f"extend type {sg.query_type} {{ _entities(representations: [_Any!]!): [_Entity]! }}"
        )
    schema_def = f"schema {{ query: {sg.query_type}"
    if sg.mutation_type and any(t.name == sg.mutation_type for t in types):
        schema_def += f" mutation: {sg.mutation_type}"
    parts.append(schema_def + " }")
    schema = build_schema("\n".join(p for p in parts if p))
    _attach_resolvers(schema)
    # what the API schema hides (``@inaccessible`` types and enum values) is never generated:
    # the answers must fit the API schema too (what breaks it: tests/execution)
    schema.extensions = {"api": sg.api_schema, "keys": _identity_keys(sg)}
    return schema


def _identity_keys(sg: Supergraph) -> dict[str, tuple[str, ...]]:
    """Per entity type, the fields of its first key made of top-level fields only: an entity's
    other fields derive from their values, so every subgraph answers a shareable field of the
    same entity with the same value (as real subgraphs must)."""
    out: dict[str, tuple[str, ...]] = {}
    for t in sg.types.values():
        for j in t.joins:
            key = j.key or ""
            names = tuple(key.split())
            if names and "{" not in key and all(n in t.fields for n in names):
                out[t.name] = names
                break
    return out


def _is_user_type(name: str) -> bool:
    return not (name in _BUILTIN or name.startswith(("join__", "link__", "__")))


def _in_graph(t: TypeDef, graph: str) -> bool:
    return not t.joins or any(j.graph == graph for j in t.joins)


def _entity_in(t: TypeDef, graph: str) -> bool:
    return any(j.graph == graph and j.key for j in t.joins) and (
        t.kind == "OBJECT" or _is_interface_object(t, graph)
    )


def _implements_entity(sg: Supergraph, t: TypeDef, graph: str) -> bool:
    """An object type behind an interface with a key here (its entities come as the type)."""
    return t.kind == "OBJECT" and any(
        (gs is None or graph in gs) and _entity_key_in(sg.types[i], graph)
        for i, gs in t.interfaces.items()
    )


def _entity_key_in(t: TypeDef, graph: str) -> bool:
    return any(j.graph == graph and j.key for j in t.joins)


def _is_interface_object(t: TypeDef, graph: str) -> bool:
    return any(j.graph == graph and j.is_interface_object for j in t.joins)


def _print_type(sg: Supergraph, t: TypeDef, graph: str) -> str:
    def here(graphs: frozenset[str] | None) -> bool:
        return graphs is None or graph in graphs

    if t.kind == "SCALAR":
        return f"scalar {t.name}"
    if t.kind == "ENUM":
        values = [v for v, gs in t.values.items() if here(gs)] or list(t.values)
        return f"enum {t.name} {{ {' '.join(values)} }}"
    if t.kind == "UNION":
        members = [m for m, gs in t.members.items() if here(gs) and _in_graph(sg.types[m], graph)]
        return f"union {t.name} = {' | '.join(members)}" if members else ""
    kind = "type" if t.kind == "OBJECT" or _is_interface_object(t, graph) else t.kind.lower()
    if t.kind == "INPUT_OBJECT":
        kind = "input"
    fields = [
        _print_field(f, graph, t.kind == "INPUT_OBJECT")
        for f in t.fields.values()
        if _field_in(f, graph)
    ]
    interfaces = [
        i
        for i, gs in t.interfaces.items()
        if here(gs)
        and _in_graph(sg.types[i], graph)
        and not _is_interface_object(sg.types[i], graph)
    ]
    implements = f" implements {' & '.join(interfaces)}" if interfaces and kind != "input" else ""
    return f"{kind} {t.name}{implements} {{ {' '.join(fields) or '_generated: Int'} }}"


def _field_in(f: FieldDef, graph: str) -> bool:
    return not f.joins or any(j.graph == graph for j in f.joins)


def _print_field(f: FieldDef, graph: str, is_input: bool) -> str:
    join = next((j for j in f.joins if j.graph == graph), None)
    type_text = join.type if join is not None and join.type else f.type.text
    if is_input:
        return f"{f.name}: {type_text}"
    args = [
        f"{a.name}: {a.type.text}" + (f" = {a.default}" if a.default else "") for a in f.arguments
    ]
    return f"{f.name}{'(' + ', '.join(args) + ')' if args else ''}: {type_text}"


# -- deterministic data ---------------------------------------------------------------------


def root_value(typename: str = "Query") -> Any:
    """The root object the generated subgraphs resolve from."""
    return _Obj(typename, "root")


class _Obj(dict[str, Any]):
    """An object value: its type and the seed its fields' values derive from."""

    def __init__(self, typename: str, seed: str, fields: Mapping[str, Any] = {}) -> None:
        super().__init__(fields)
        self["__typename"] = typename
        self.seed = seed


def _attach_resolvers(schema: GraphQLSchema) -> None:
    for t in schema.type_map.values():
        if isinstance(t, GraphQLObjectType) and not t.name.startswith("__"):
            for f in t.fields.values():
                f.resolve = _resolve
        elif hasattr(t, "resolve_type") and not t.name.startswith("__"):
            t.resolve_type = lambda value, *_: value["__typename"]  # type: ignore[union-attr]


def _resolve(parent: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    name = info.field_name
    if name == "_entities":
        return [_entity(rep, info.schema) for rep in args["representations"]]
    if isinstance(parent, dict) and name in parent:
        return _from_representation(parent[name], info.return_type, f"{_seed(parent)}.{name}")
    seed = _field_seed(_identity(parent, name, info), name, args)
    if _seed(parent) == "root":  # root fields are never null: their subtrees are the test
        return _value(GraphQLNonNull(_nullable(info.return_type)), seed, info.schema)
    return _value(info.return_type, seed, info.schema)


def _field_seed(parent_seed: str, name: str, args: Mapping[str, Any]) -> str:
    return f"{parent_seed}.{name}({orjson.dumps(args, option=orjson.OPT_SORT_KEYS).decode()})"


def _identity(parent: Any, name: str, info: GraphQLResolveInfo) -> str:
    """The seed a field of ``parent`` derives from: an entity's key values where it has a
    key (whichever subgraph and path it came from), else the path that led to it."""
    keys = info.schema.extensions["keys"].get(parent.get("__typename"), ())
    if not keys or name in keys or not all(k in info.parent_type.fields for k in keys):
        return _seed(parent)
    values = [
        parent[k]
        if k in parent
        else _value(info.parent_type.fields[k].type, _field_seed(_seed(parent), k, {}), info.schema)
        for k in keys
    ]
    return f"{parent['__typename']}#{orjson.dumps(values).decode()}"


def _nullable(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def _seed(parent: Any) -> str:
    return (
        parent.seed
        if isinstance(parent, _Obj)
        else orjson.dumps(parent, option=orjson.OPT_SORT_KEYS).decode()
    )


def _entity(rep: dict[str, Any], schema: GraphQLSchema) -> Any:
    seed = orjson.dumps(rep, option=orjson.OPT_SORT_KEYS).decode()
    t = schema.type_map.get(str(rep.get("__typename")))
    if hasattr(t, "resolve_type"):  # an entity interface: the subgraph knows the object's type
        possible = sorted(o.name for o in schema.get_possible_types(t))
        if not possible:
            return None
        return _Obj(possible[_hash(seed) % len(possible)], seed, rep)
    if not isinstance(t, GraphQLObjectType):
        return None
    return _Obj(t.name, seed, rep)


def _from_representation(value: Any, type_: Any, seed: str) -> Any:
    """A key or required field the gateway sent: answered as sent (objects get a seed)."""
    named = get_named_type(type_)
    if isinstance(value, dict) and not isinstance(value, _Obj):
        return _Obj(str(value.get("__typename", named.name)), seed, value)
    if isinstance(value, list):
        return [_from_representation(v, type_, f"{seed}[{i}]") for i, v in enumerate(value)]
    return value


def _hash(seed: str) -> int:
    return int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=8).digest(), "big")


def _value(type_: Any, seed: str, schema: GraphQLSchema) -> Any:
    h = _hash(seed)
    if isinstance(type_, GraphQLNonNull):
        return _non_null(type_.of_type, seed, schema, h)
    if h % 7 == 0:
        return None  # some nulls: null parents of entity fetches, nullable list items
    return _non_null(type_, seed, schema, h)


def _non_null(type_: Any, seed: str, schema: GraphQLSchema, h: int) -> Any:
    if isinstance(type_, GraphQLList):
        return [_value(type_.of_type, f"{seed}[{i}]", schema) for i in range(h % 3 + 1)]
    api = schema.extensions["api"].type_map
    if isinstance(type_, GraphQLEnumType):
        visible = getattr(api.get(type_.name), "values", {})
        values = sorted(v for v in type_.values if v in visible) or sorted(type_.values)
        return values[h % len(values)]
    if isinstance(type_, GraphQLObjectType):
        return _Obj(type_.name, seed)
    if hasattr(type_, "resolve_type"):
        possible = sorted(t.name for t in schema.get_possible_types(type_))
        possible = [t for t in possible if t in api] or possible
        if not possible:
            return None  # no object type of the subgraph can be one (an empty interface)
        return _Obj(possible[h % len(possible)], seed)
    return {
        "Int": h % 100,
        "Float": (h % 1000) / 10,
        "Boolean": h % 2 == 0,
    }.get(type_.name, f"{type_.name[:1].lower()}{h % 1000}")
