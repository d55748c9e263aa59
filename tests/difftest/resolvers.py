"""Generic resolvers of one extracted subgraph (the rules are in ``tests/difftest/data.py``)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    execute,
    parse,
    validate,
)

from gateway.supergraph import FieldDef

from .data import ENTITY_RANGE, Obj, canonical, digest, parse_identity, pick
from .subgraphs import FieldTree, GraphView, parse_fieldset

__all__ = ["SubgraphData"]

_MISSING = "<missing>"
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# list lengths 0-3, empty less often (an empty root list leaves nothing to compare)
_LENGTHS = (0, 1, 1, 2, 2, 2, 3, 3)


class SubgraphData:
    """Executes requests against one subgraph's schema with the seed-derived resolvers."""

    def __init__(self, view: GraphView) -> None:
        assert view.schema is not None
        self.view = view
        self.schema = view.schema
        self.supergraph = view.supergraph
        self._documents: dict[str, Any] = {}

    # ------------------------------------------------------------------ requests
    def execute(self, query: str, variables: dict[str, Any] | None, name: str | None) -> Any:
        document = self._documents.get(query)
        if document is None:
            try:
                document = parse(query)
            except Exception as error:
                return {"errors": [{"message": str(error)}]}
            errors = validate(self.schema, document)
            if errors:
                return {"errors": [e.formatted for e in errors]}
            if len(self._documents) > 4096:
                self._documents.clear()
            self._documents[query] = document
        result = execute(
            self.schema,
            document,
            variable_values=variables,
            operation_name=name,
            field_resolver=self.resolve,
            type_resolver=_type_resolver,
        )
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        return body

    # ------------------------------------------------------------------ resolvers
    def resolve(self, source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        name = info.field_name
        if isinstance(source, dict):
            return source.get(name)
        if name == "_service":
            return {"sdl": self.view.sdl}
        if name == "_entities":
            return [self.entity(rep) for rep in args["representations"]]
        parent = source if isinstance(source, Obj) else _root(info.parent_type.name)
        field_def, join = self.view.field_join(info.parent_type.name, name)
        keys = parent.key_tree or {}
        if name in keys and parent.identity is not None:
            return self.key_value(info.return_type, parent, name, keys[name])
        if getattr(join, "external", False) and not _may_resolve_external(parent, name):
            return None
        seed = f"{parent.seed}.{name}" + (canonical(args) if args else "")
        requires = getattr(join, "requires", None)
        if requires:
            seed += "|requires=" + canonical(_required(parent.rep, parse_fieldset(requires)))
        provides = getattr(join, "provides", None)
        if provides:
            provided: FieldTree | None = parse_fieldset(provides)
        else:
            provided = parent.provided.get(name) if parent.provided is not None else None
        context = _Context(field_def, provided, args)
        return self.value(info.return_type, seed, context, top=True)

    def value(self, gtype: GraphQLOutputType, seed: str, ctx: _Context, *, top: bool) -> Any:
        nullable = not isinstance(gtype, GraphQLNonNull)
        if isinstance(gtype, GraphQLNonNull):
            gtype = gtype.of_type
        may_null = _nullable_everywhere(ctx.field_def, top)
        if nullable and may_null and pick(seed, "null", 8) == 0:
            return None
        if isinstance(gtype, GraphQLList):
            count = _LENGTHS[pick(seed, "length", len(_LENGTHS))]
            return [self.value(gtype.of_type, f"{seed}[{i}]", ctx, top=False) for i in range(count)]
        if isinstance(gtype, GraphQLScalarType):
            return _scalar(gtype.name, seed)
        if isinstance(gtype, GraphQLEnumType):
            values = sorted(gtype.values)
            return values[pick(seed, "enum", len(values))]
        assert isinstance(gtype, GraphQLNamedType)
        return self.object(gtype, seed, ctx)

    def object(self, gtype: GraphQLNamedType, seed: str, ctx: _Context) -> Obj | None:
        candidates = _possible(self.supergraph, ctx.field_def.type.named) if ctx.field_def else []
        identity = _identity_from_args(ctx.args, candidates)
        if identity is not None:
            concrete: str | None = identity[0]
        else:
            concrete = candidates[pick(seed, "type", len(candidates))] if candidates else None
        present, concrete = self._presentable(gtype, concrete, seed)
        if present is None:
            return None
        if identity is not None and identity[0] != concrete:
            identity = None
        if identity is None and self.view.keys(concrete):
            identity = (concrete, pick(seed, "identity", ENTITY_RANGE))
        if identity is None:
            return Obj(concrete, present, seed, provided=ctx.provided)
        return Obj(
            concrete,
            present,
            f"{identity[0]}:{identity[1]}",
            identity=identity,
            key_tree=_key_tree(self.view, concrete),
            provided=ctx.provided,
        )

    def _presentable(
        self, gtype: GraphQLNamedType, concrete: str | None, seed: str
    ) -> tuple[str | None, str]:
        """(the type the subgraph returns, the concrete type it stands for)."""
        if isinstance(gtype, GraphQLObjectType):
            if self.view.is_interface_object(gtype.name) and concrete:
                return gtype.name, concrete
            return gtype.name, gtype.name
        assert isinstance(gtype, GraphQLAbstractType)
        possible = sorted(t.name for t in self.schema.get_possible_types(gtype))
        if concrete in possible:
            return concrete, concrete
        if not possible:
            return None, concrete or ""
        fallback = possible[pick(seed, "type", len(possible))]
        return fallback, fallback

    def key_value(self, gtype: GraphQLOutputType, parent: Obj, name: str, tree: FieldTree) -> Any:
        if isinstance(gtype, GraphQLNonNull):
            gtype = gtype.of_type
        assert parent.identity is not None
        kind, n = parent.identity
        if isinstance(gtype, GraphQLList):
            return [self.key_value(gtype.of_type, parent, name, tree)]
        if isinstance(gtype, GraphQLScalarType):
            by_type: dict[str, Any] = {"Int": n, "Float": float(n), "Boolean": n % 2 == 0}
            return by_type.get(gtype.name, f"{kind}:{n}")
        if isinstance(gtype, GraphQLEnumType):
            return sorted(gtype.values)[0]
        assert isinstance(gtype, GraphQLNamedType)
        return Obj(
            gtype.name,
            gtype.name,
            f"{parent.seed}.{name}",
            identity=parent.identity,
            key_tree=tree,
            provided=parent.provided.get(name) if parent.provided else None,
        )

    # ------------------------------------------------------------------ _entities
    def entity(self, rep: Any) -> Obj | None:
        if not isinstance(rep, dict):
            return None
        typename = rep.get("__typename")
        gtype = self.schema.get_type(typename) if isinstance(typename, str) else None
        if gtype is None or not isinstance(typename, str):
            return None
        keys = _key_tree(self.view, typename)
        identity = parse_identity({k: rep[k] for k in keys if k in rep}, typename)
        if identity is None:
            return None
        concrete, n = identity
        if isinstance(gtype, GraphQLObjectType):
            if concrete != typename and not self.view.is_interface_object(typename):
                return None
            present = typename
        else:
            present = concrete
            if not isinstance(self.schema.get_type(concrete), GraphQLObjectType):
                return None
        if present not in self.view.entity_types:
            return None
        return Obj(
            concrete,
            present,
            f"{concrete}:{n}",
            identity=(concrete, n),
            key_tree=_key_tree(self.view, concrete) or keys,
            rep=rep,
        )


class _Context:
    __slots__ = ("args", "field_def", "provided")

    def __init__(self, field_def: FieldDef | None, provided: FieldTree | None, args: Any) -> None:
        self.field_def = field_def
        self.provided = provided
        self.args = args


def _root(type_name: str) -> Obj:
    return Obj(type_name, type_name, type_name)


def _may_resolve_external(parent: Obj, name: str) -> bool:
    if parent.provided is not None and name in parent.provided:
        return True
    return parent.rep is not None and name in parent.rep


def _type_resolver(value: Any, _info: GraphQLResolveInfo, _abstract: Any) -> str | None:
    return value.gtype if isinstance(value, Obj) else None


def _scalar(name: str, seed: str) -> Any:
    h = digest(seed, "scalar")
    if name == "Int":
        return h % 1000
    if name == "Float":
        return (h % 4000) / 4  # exact in binary: every gateway prints the same number
    if name == "Boolean":
        return h % 2 == 0
    name_part = _FIELD_NAME.match(seed.rsplit(".", 1)[-1])
    return f"{name_part[0] if name_part else 's'}-{h % 100000:05d}"


@lru_cache(maxsize=4096)
def _nullable_texts(field_def: FieldDef) -> tuple[bool, bool]:
    texts = [field_def.type.text] + [j.type for j in field_def.joins if j.type]
    top = all(not t.endswith("!") for t in texts)
    items = all(not t.rstrip("!")[1:-1].endswith("!") for t in texts if t.startswith("["))
    return top, items


def _nullable_everywhere(field_def: FieldDef | None, top: bool) -> bool:
    if field_def is None:
        return False
    top_ok, items_ok = _nullable_texts(field_def)
    return top_ok if top else items_ok


def _possible(supergraph: Any, named: str) -> list[str]:
    type_def = supergraph.types.get(named)
    if type_def is None:
        return []
    if type_def.kind == "UNION":
        return sorted(type_def.members)
    if type_def.kind == "INTERFACE":
        return sorted(supergraph.implementations.get(named, ()))
    if type_def.kind == "OBJECT":
        return [named]
    return []


def _identity_from_args(args: dict[str, Any], candidates: list[str]) -> tuple[str, int] | None:
    """``product(id: "Product:3")`` returns that entity: arguments from real data resolve."""
    for value in args.values():
        identity = parse_identity(value, "") if isinstance(value, str) else None
        if identity is not None and identity[0] in candidates:
            return identity
    return None


def _key_tree(view: GraphView, type_name: str) -> FieldTree:
    """Every key field of a type, in any graph (cached on the view; never modified)."""
    tree = view.key_trees.get(type_name)
    if tree is None:
        tree = {}
        for key in view.keys(type_name):
            for name, sub in parse_fieldset(key).items():
                tree.setdefault(name, {}).update(sub)
        view.key_trees[type_name] = tree
    return tree


def _required(rep: dict[str, Any] | None, tree: FieldTree) -> Any:
    if rep is None:
        return "<no representation>"
    return {name: _project(rep.get(name, _MISSING), sub) for name, sub in sorted(tree.items())}


def _project(value: Any, tree: FieldTree) -> Any:
    """The part of a required value the field set asked for (``__typename`` and extra fields
    a gateway may add dropped, so every correct gateway produces the same seed)."""
    if isinstance(value, list):
        return [_project(item, tree) for item in value]
    if isinstance(value, dict):
        return {k: _project(v, tree.get(k, {})) for k, v in sorted(value.items()) if k in tree}
    return value
