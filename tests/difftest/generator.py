"""Random valid operations over a supergraph's API schema, reproducible from a seed.

What an operation may hold: nested selections (bounded depth and size), aliases (from a small
pool, so the same response name is reused with other shapes; invalid combinations are thrown
away by validation, valid ones exercise field merging), ``__typename``, inline fragments on
every possible type of an abstract position and on the interfaces/unions around an object
(so non-matching type conditions too), named fragments, ``@skip``/``@include`` with literals
and with variables that have defaults (sometimes also sent), arguments per type (entity ids
in the data server's ``"T:n"`` form, enums, input objects, lists), and mutations where the
schema has them. Every operation returned passes ``graphql.validate`` against the API schema.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_composite_type,
    is_leaf_type,
    parse,
    parse_value,
    validate,
    value_from_ast_untyped,
)
from graphql.pyutils import Undefined

from .data import ENTITY_RANGE

__all__ = ["Generator", "Operation", "is_valid"]

_ALIASES = ("a", "b", "c")


@dataclass(frozen=True, slots=True)
class Operation:
    text: str
    variables: dict[str, Any] = field(default_factory=dict)

    def key(self) -> str:
        return self.text + "\n" + json.dumps(self.variables, sort_keys=True)


def is_valid(schema: GraphQLSchema, text: str) -> bool:
    try:
        document = parse(text)
    except Exception:
        return False
    return not validate(schema, document)


@dataclass
class _Build:
    rng: random.Random
    budget: int = 24
    fragments: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # name → definition text
    values: dict[str, Any] = field(default_factory=dict)


class Generator:
    """``generate(rng)`` → a valid ``Operation``; ``max_depth`` bounds nesting."""

    def __init__(
        self, schema: GraphQLSchema, *, max_depth: int = 4, conditions: bool = True
    ) -> None:
        self.schema = schema
        self.max_depth = max_depth
        # False: no @skip/@include (to look past a class of findings that swamps the rest)
        self.conditions = conditions

    def generate(self, rng: random.Random, attempts: int = 30) -> Operation | None:
        for _ in range(attempts):
            operation = self._attempt(rng)
            if operation is not None and is_valid(self.schema, operation.text):
                return operation
        return None

    def _attempt(self, rng: random.Random) -> Operation | None:
        root = self.schema.query_type
        keyword = "query"
        mutation = self.schema.mutation_type
        if mutation is not None and rng.random() < 0.15:
            root, keyword = mutation, "mutation"
        if root is None:
            return None
        build = _Build(rng)
        body = self._selections(root, 0, build)
        if not body:
            return None
        header = keyword
        if build.variables:
            header += "(" + ", ".join(build.variables.values()) + ")"
        text = f"{header} {{ {body} }}"
        if build.fragments:
            text += "\n" + "\n".join(build.fragments)
        return Operation(text, build.values)

    # ------------------------------------------------------------------ selections
    def _selections(self, parent: GraphQLNamedType, depth: int, build: _Build) -> str:
        rng = build.rng
        parts: list[str] = []
        count = rng.choice((1, 1, 2, 2, 3))
        for _ in range(count):
            part = self._selection(parent, depth, build)
            if part:
                parts.append(part)
        if not parts:
            parts.append(self._leaf_or_typename(parent, rng))
        return " ".join(parts)

    def _selection(self, parent: GraphQLNamedType, depth: int, build: _Build) -> str:
        rng = build.rng
        roll = rng.random()
        is_root = depth == 0
        if roll < 0.08 and not is_root:
            return "__typename" + self._directives(build)
        if roll < 0.28 or isinstance(parent, GraphQLUnionType):
            return self._fragment(parent, depth, build)
        fields = _fields(parent)
        if not fields or build.budget <= 0:
            return ""
        name, definition = rng.choice(fields)
        return self._field(name, definition, depth, build)

    def _field(self, name: str, definition: GraphQLField, depth: int, build: _Build) -> str:
        rng = build.rng
        build.budget -= 1
        alias = f"{rng.choice(_ALIASES)}: " if rng.random() < 0.2 else ""
        args = self._arguments(definition.args, definition.type, build)
        text = f"{alias}{name}{args}{self._directives(build)}"
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return text
        if depth + 1 >= self.max_depth or build.budget <= 0:
            return f"{text} {{ {self._leaf_or_typename(named, rng)} }}"
        return f"{text} {{ {self._selections(named, depth + 1, build)} }}"

    def _leaf_or_typename(self, parent: GraphQLNamedType, rng: random.Random) -> str:
        leaves = [n for n, f in _fields(parent) if is_leaf_type(get_named_type(f.type))]
        leaves = [n for n in leaves if not _required_args(_fields_map(parent)[n])]
        if leaves and rng.random() < 0.8:
            return rng.choice(leaves)
        return "__typename"

    def _fragment(self, parent: GraphQLNamedType, depth: int, build: _Build) -> str:
        rng = build.rng
        conditions = self._conditions(parent)
        if not conditions or build.budget <= 0:
            return ""
        build.budget -= 1
        condition = rng.choice(conditions)
        target = self.schema.get_type(condition)
        assert target is not None
        inner = self._selections(target, depth, build)
        directives = self._directives(build)
        if rng.random() < 0.3:
            name = f"F{len(build.fragments)}"
            build.fragments.append(f"fragment {name} on {condition} {{ {inner} }}")
            return f"...{name}{directives}"
        if rng.random() < 0.15 and not isinstance(parent, GraphQLUnionType):
            return f"...{directives} {{ {inner} }}"  # no type condition
        return f"... on {condition}{directives} {{ {inner} }}"

    def _conditions(self, parent: GraphQLNamedType) -> list[str]:
        """Type conditions that may be spread in ``parent`` (validation has the last word)."""
        names: set[str] = set()
        if isinstance(parent, GraphQLInterfaceType | GraphQLUnionType):
            names |= {t.name for t in self.schema.get_possible_types(parent)}
            names.add(parent.name)
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            names |= {i.name for i in parent.interfaces}
            names.add(parent.name)
        if isinstance(parent, GraphQLObjectType):
            names |= {
                t.name
                for t in self.schema.type_map.values()
                if isinstance(t, GraphQLUnionType) and parent in t.types
            }
        return sorted(n for n in names if not n.startswith("__"))

    def _directives(self, build: _Build) -> str:
        rng = build.rng
        if rng.random() > 0.12 or not self.conditions:
            return ""
        directive = rng.choice(("skip", "include"))
        if rng.random() < 0.5:
            return f" @{directive}(if: {rng.choice(('true', 'false'))})"
        name = f"v{len(build.variables)}"  # unique: variables holds every kind
        default = rng.choice(("true", "false"))
        build.variables[name] = f"${name}: Boolean = {default}"
        if rng.random() < 0.3:
            build.values[name] = rng.random() < 0.5
        return f" @{directive}(if: ${name})"

    # ------------------------------------------------------------------ arguments
    def _arguments(self, args: dict[str, GraphQLArgument], returns: Any, build: _Build) -> str:
        rng = build.rng
        parts: list[str] = []
        for name, argument in args.items():
            required = (
                isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined
            )
            if not required and rng.random() < 0.6:
                continue
            literal = self._literal(argument.type, build, returns, 0)
            if rng.random() < 0.15:
                literal = self._as_variable(argument, literal, build)
            parts.append(f"{name}: {literal}")
        return f"({', '.join(parts)})" if parts else ""

    def _as_variable(self, argument: GraphQLArgument, literal: str, build: _Build) -> str:
        """The argument through a variable: with the literal as its default, or sent."""
        name = f"a{len(build.variables)}"
        if build.rng.random() < 0.5:
            build.variables[name] = f"${name}: {argument.type} = {literal}"
        else:
            build.variables[name] = f"${name}: {argument.type}"
            build.values[name] = value_from_ast_untyped(parse_value(literal))
        return f"${name}"

    def _literal(
        self,
        gtype: GraphQLInputType,
        build: _Build,
        returns: Any,
        depth: int,
        nullable: bool = True,
    ) -> str:
        rng = build.rng
        if isinstance(gtype, GraphQLNonNull):
            return self._literal(gtype.of_type, build, returns, depth, nullable=False)
        if nullable and rng.random() < 0.05:
            return "null"
        if isinstance(gtype, GraphQLList):
            count = rng.randint(0, 2)
            items = [self._literal(gtype.of_type, build, returns, depth) for _ in range(count)]
            return "[" + ", ".join(items) + "]"
        if isinstance(gtype, GraphQLEnumType):
            return rng.choice(sorted(gtype.values))
        if isinstance(gtype, GraphQLInputObjectType):
            parts = []
            for name, input_field in gtype.fields.items():
                required = isinstance(input_field.type, GraphQLNonNull)
                if (required or rng.random() < 0.5) and depth < 3:
                    value = self._literal(input_field.type, build, returns, depth + 1)
                    parts.append(f"{name}: {value}")
                elif required:
                    return "null"
            return "{" + ", ".join(parts) + "}"
        assert isinstance(gtype, GraphQLScalarType)
        return self._scalar(gtype.name, rng, returns)

    def _scalar(self, name: str, rng: random.Random, returns: Any) -> str:
        if name == "Int":
            return str(rng.randint(0, 4))
        if name == "Float":
            return str(rng.randint(0, 8) / 2)
        if name == "Boolean":
            return rng.choice(("true", "false"))
        named = get_named_type(returns) if returns is not None else None
        types = self._concrete(named) if named is not None else []
        if types and rng.random() < 0.85:
            return json.dumps(f"{rng.choice(types)}:{rng.randrange(ENTITY_RANGE)}")
        return json.dumps(rng.choice(("x", "a b", "1", "")))

    def _concrete(self, named: GraphQLNamedType) -> list[str]:
        if isinstance(named, GraphQLObjectType):
            return [named.name]
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            return sorted(t.name for t in self.schema.get_possible_types(named))
        return []


def _fields_map(parent: GraphQLNamedType) -> dict[str, GraphQLField]:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return dict(parent.fields)
    return {}


def _fields(parent: GraphQLNamedType) -> list[tuple[str, GraphQLField]]:
    return [
        (n, f)
        for n, f in sorted(_fields_map(parent).items())
        if is_composite_type(get_named_type(f.type)) or is_leaf_type(get_named_type(f.type))
    ]


def _required_args(definition: GraphQLField) -> bool:
    return any(
        isinstance(a.type, GraphQLNonNull) and a.default_value is Undefined
        for a in definition.args.values()
    )
