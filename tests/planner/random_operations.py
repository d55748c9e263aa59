"""Random valid operations over an API schema, for the both-modes check (``modes.py``): nested
fields, aliases, inline fragments on every possible type and interface, ``__typename``, literal
``@skip``/``@include`` and ones on variables (with and without defaults)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

__all__ = ["random_operation"]

_MAX_DEPTH = 4
Composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


@dataclass
class _Gen:
    schema: GraphQLSchema
    rng: random.Random
    variables: set[str] = field(default_factory=set)


def random_operation(schema: GraphQLSchema, rng: random.Random) -> str:
    gen = _Gen(schema, rng)
    assert schema.query_type is not None
    body = _selection_set(gen, schema.query_type, 0)
    if not gen.variables:
        return body
    defs = [
        "$v0: Boolean!" if v == "v0" else f"${v}: Boolean = true" for v in sorted(gen.variables)
    ]
    return f"query Q({', '.join(defs)}) {body}"


def _selection_set(gen: _Gen, t: Composite, depth: int) -> str:
    parts = _fields(gen, t, depth) if not isinstance(t, GraphQLUnionType) else []
    if depth < _MAX_DEPTH + 1 and (not isinstance(t, GraphQLObjectType) or gen.rng.random() < 0.2):
        parts += _fragments(gen, t, depth)
    if gen.rng.random() < 0.3 or not parts:
        parts.append("__typename")
    return "{ " + " ".join(parts) + " }"


def _fields(gen: _Gen, t: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> list[str]:
    names = list(t.fields)
    out = []
    for name in gen.rng.sample(names, min(len(names), gen.rng.randint(1, 3))):
        text = _field(gen, name, t.fields[name], depth)
        if text is not None:
            out.append(text)
    return out


def _field(gen: _Gen, name: str, f: GraphQLField, depth: int) -> str | None:
    args = [
        f"{a}: {_literal(arg.type)}"
        for a, arg in f.args.items()
        if isinstance(arg.type, GraphQLNonNull) and arg.default_value is None
    ]
    text = name + (f"({', '.join(args)})" if args else "") + _condition(gen)
    named = get_named_type(f.type)
    if isinstance(named, Composite):
        if depth >= _MAX_DEPTH:
            return None
        text += " " + _selection_set(gen, named, depth + 1)
    if gen.rng.random() < 0.2:
        text = f"a{gen.rng.randint(0, 3)}: {text}"
    return text


def _fragments(gen: _Gen, t: Composite, depth: int) -> list[str]:
    possible: list[Composite] = (
        [t] if isinstance(t, GraphQLObjectType) else list(gen.schema.get_possible_types(t))
    )
    interfaces = [i for p in possible if isinstance(p, GraphQLObjectType) for i in p.interfaces]
    choices = possible + interfaces
    picked = gen.rng.sample(choices, min(len(choices), gen.rng.randint(1, 3)))
    return [f"... on {p.name}{_condition(gen)} {_selection_set(gen, p, depth + 1)}" for p in picked]


def _condition(gen: _Gen) -> str:
    x = gen.rng.random()
    if x < 0.1:
        return " @skip(if: true)"
    if x < 0.15:
        return " @include(if: false)"
    if x < 0.2:
        return " @include(if: true)"
    if x > 0.9:
        variable = f"v{gen.rng.randint(0, 1)}"
        gen.variables.add(variable)
        return f" @{'skip' if gen.rng.random() < 0.5 else 'include'}(if: ${variable})"
    return ""


def _literal(t: object) -> str:
    if isinstance(t, GraphQLNonNull):
        t = t.of_type
    if isinstance(t, GraphQLList):
        return "[]"
    if isinstance(t, GraphQLEnumType):
        return sorted(t.values)[0]
    if isinstance(t, GraphQLInputObjectType):
        required = [
            f"{n}: {_literal(f.type)}"
            for n, f in t.fields.items()
            if isinstance(f.type, GraphQLNonNull) and f.default_value is None
        ]
        return "{" + ", ".join(required) + "}"
    name = getattr(t, "name", "")
    return {"Int": "1", "Float": "1.0", "Boolean": "true"}.get(name, '"1"')
