"""A fast parser for type-system SDL (a supergraph), giving graphql-core's own syntax tree.

graphql-core's parser was half of the load time of a large supergraph (1.1 of 2.1 s on 100
subgraphs and 2,000 types, bench/scale.py): per token it makes a ``Token`` object and a few
method calls, and every node goes through a frozen dataclass ``__init__`` (one
``object.__setattr__`` per field, ~4 µs for a field definition). Here one regular expression
cuts the whole text into token strings, a recursive descent over that list builds the same
nodes, and a node is made by filling its ``__dict__`` (the nodes are plain dict-based
dataclasses; ``sdl_nodes.fast_nodes_work`` checks that at import, or the constructors are
called).

It is a fast path only. It understands the type-system definitions a supergraph holds
(schema, directive, scalar, type, interface, union, enum and input definitions, with
descriptions, directives and constant values) and gives up (``Fallback``) on anything else:
a token it does not recognise, an extension, an executable definition, a value out of place.
``parse_sdl`` then parses with graphql-core, which either builds the tree or raises its own
syntax error with line and column. Escaped strings and block strings are read by graphql-core's
lexer, one token at a time. So the result is always graphql-core's tree of the text
(``parse(sdl, no_location=True)``; tests/supergraph/test_fast_parse.py compares them), only
sooner.
"""

from __future__ import annotations

from typing import Any

from graphql import parse
from graphql.language import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveDefinitionNode,
    DirectiveLocation,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueDefinitionNode,
    EnumValueNode,
    FieldDefinitionNode,
    FloatValueNode,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    IntValueNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    NullValueNode,
    ObjectFieldNode,
    ObjectTypeDefinitionNode,
    ObjectValueNode,
    OperationType,
    OperationTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    StringValueNode,
    UnionTypeDefinitionNode,
)

from .sdl_nodes import TOKENS, Fallback, lexed_string, make

__all__ = ["parse_sdl"]

_NAME_START = frozenset("_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NUMBER_START = frozenset("-0123456789")
_LOCATIONS = frozenset(DirectiveLocation.__members__)
_OPERATIONS = {op.value: op for op in OperationType}
_NOT_ENUM_VALUES = frozenset({"true", "false", "null"})


def parse_sdl(sdl: str) -> DocumentNode:
    """graphql-core's ``parse(sdl, no_location=True)``, faster for type-system SDL."""
    try:
        document: DocumentNode = _Reader(sdl).document()
        return document
    except (Fallback, IndexError, ValueError, RecursionError):
        return parse(sdl, no_location=True)


class _Reader:
    """A recursive descent over the token strings; ``self.i`` is the next token."""

    __slots__ = ("directive_nodes", "i", "name_nodes", "t", "type_nodes")

    def __init__(self, sdl: str) -> None:
        # The appended line ends a last comment, and "\x01" is no token: it comes out as the
        # last "", so that every position before it is matched (``findall`` would skip a
        # position where nothing matches) and the list has an end that no rule accepts.
        self.t: list[str] = TOKENS.findall(sdl + "\n\x01")
        self.i = 0
        # Equal nodes are made once and shared (they are frozen): the names, the named types,
        # and the applied directives by their tokens. A supergraph repeats
        # `@join__field(graph: S0)` thousands of times; sharing halves the nodes to build.
        self.name_nodes: dict[str, Any] = {}
        self.type_nodes: dict[str, Any] = {}
        self.directive_nodes: dict[tuple[str, ...], Any] = {}

    def name(self, value: str) -> Any:
        node = self.name_nodes.get(value)
        if node is None:
            if value[:1] not in _NAME_START:
                raise Fallback
            node = self.name_nodes[value] = make(NameNode, {"value": value, "loc": None})
        return node

    def take(self) -> str:
        token = self.t[self.i]
        self.i += 1
        return token

    def expect(self, token: str) -> None:
        if self.t[self.i] != token:
            raise Fallback
        self.i += 1

    def optional(self, token: str) -> bool:
        if self.t[self.i] == token:
            self.i += 1
            return True
        return False

    def document(self) -> Any:
        definitions = []
        t = self.t
        last = len(t) - 1
        while self.i < last:
            definitions.append(self.definition())
        if not definitions:
            raise Fallback  # graphql-core's error for an empty document
        return make(DocumentNode, {"definitions": tuple(definitions), "loc": None})

    def definition(self) -> Any:
        description = self.description()
        keyword = self.take()
        read = _DEFINITIONS.get(keyword)
        if read is None:
            raise Fallback  # extend, query, fragment, { …: graphql-core parses or explains
        return read(self, description)

    def description(self) -> Any:
        if self.t[self.i][:1] == '"':
            return self.string(self.take())
        return None

    def string(self, token: str) -> Any:
        if token[:3] == '"""' or "\\" in token:
            value, block = lexed_string(token)
        else:
            value, block = token[1:-1], False
        return make(StringValueNode, {"value": value, "block": block, "loc": None})

    # definitions

    def schema(self, description: Any) -> Any:
        directives = self.directives()
        self.expect("{")
        operation_types = [self.operation_type()]
        while not self.optional("}"):
            operation_types.append(self.operation_type())
        fields = {"description": description, "directives": directives}
        fields.update(operation_types=tuple(operation_types), loc=None)
        return make(SchemaDefinitionNode, fields)

    def operation_type(self) -> Any:
        operation = _OPERATIONS.get(self.take())
        if operation is None:
            raise Fallback
        self.expect(":")
        return make(
            OperationTypeDefinitionNode,
            {"operation": operation, "type": self.named_type(), "loc": None},
        )

    def scalar(self, description: Any) -> Any:
        name = self.name(self.take())
        fields = {"description": description, "name": name, "directives": self.directives()}
        fields["loc"] = None
        return make(ScalarTypeDefinitionNode, fields)

    def object_type(self, description: Any) -> Any:
        return self.composite(ObjectTypeDefinitionNode, description)

    def interface(self, description: Any) -> Any:
        return self.composite(InterfaceTypeDefinitionNode, description)

    def composite(self, cls: type, description: Any) -> Any:
        name = self.name(self.take())
        interfaces = self.delimited("&", self.named_type) if self.optional("implements") else None
        directives = self.directives()
        fields = self.block(self.field) if self.t[self.i] == "{" else None
        return make(
            cls,
            {
                "description": description,
                "name": name,
                "interfaces": interfaces,
                "directives": directives,
                "fields": fields,
                "loc": None,
            },
        )

    def union(self, description: Any) -> Any:
        name = self.name(self.take())
        directives = self.directives()
        types = self.delimited("|", self.named_type) if self.optional("=") else None
        fields = {"description": description, "name": name, "directives": directives}
        fields.update(types=types, loc=None)
        return make(UnionTypeDefinitionNode, fields)

    def enum(self, description: Any) -> Any:
        name = self.name(self.take())
        directives = self.directives()
        values = self.block(self.enum_value) if self.t[self.i] == "{" else None
        fields = {"description": description, "name": name, "directives": directives}
        fields.update(values=values, loc=None)
        return make(EnumTypeDefinitionNode, fields)

    def enum_value(self) -> Any:
        description = self.description()
        token = self.take()
        if token in _NOT_ENUM_VALUES:
            raise Fallback
        fields = {"description": description, "name": self.name(token)}
        fields.update(directives=self.directives(), loc=None)
        return make(EnumValueDefinitionNode, fields)

    def input_object(self, description: Any) -> Any:
        name = self.name(self.take())
        directives = self.directives()
        values = self.block(self.input_value) if self.t[self.i] == "{" else None
        fields = {"description": description, "name": name, "directives": directives}
        fields.update(fields=values, loc=None)
        return make(InputObjectTypeDefinitionNode, fields)

    def directive_definition(self, description: Any) -> Any:
        self.expect("@")
        name = self.name(self.take())
        arguments = self.block(self.input_value, "(", ")") if self.t[self.i] == "(" else None
        directives = self.directives()
        repeatable = self.optional("repeatable")
        self.expect("on")
        locations = self.delimited("|", self.location)
        fields = {"description": description, "name": name, "arguments": arguments}
        fields.update(directives=directives, repeatable=repeatable, locations=locations)
        fields["loc"] = None
        return make(DirectiveDefinitionNode, fields)

    def location(self) -> Any:
        token = self.take()
        if token not in _LOCATIONS:
            raise Fallback
        return self.name(token)

    # the parts of definitions

    def block(self, item: Any, open_: str = "{", close: str = "}") -> tuple[Any, ...]:
        """``open_ item+ close`` (at least one item, as graphql-core's ``optional_many``)."""
        self.expect(open_)
        items = [item()]
        while not self.optional(close):
            items.append(item())
        return tuple(items)

    def delimited(self, delimiter: str, item: Any) -> tuple[Any, ...]:
        self.optional(delimiter)
        items = [item()]
        while self.optional(delimiter):
            items.append(item())
        return tuple(items)

    def field(self) -> Any:
        description = self.description()
        name = self.name(self.take())
        arguments = self.block(self.input_value, "(", ")") if self.t[self.i] == "(" else None
        self.expect(":")
        type_ = self.type_ref()
        return make(
            FieldDefinitionNode,
            {
                "description": description,
                "name": name,
                "arguments": arguments,
                "type": type_,
                "directives": self.directives(),
                "loc": None,
            },
        )

    def input_value(self) -> Any:
        description = self.description()
        name = self.name(self.take())
        self.expect(":")
        type_ = self.type_ref()
        default = self.value(0) if self.optional("=") else None
        return make(
            InputValueDefinitionNode,
            {
                "description": description,
                "name": name,
                "type": type_,
                "default_value": default,
                "directives": self.directives(),
                "loc": None,
            },
        )

    def type_ref(self, depth: int = 0) -> Any:
        if self.optional("["):
            if depth > 100:
                raise Fallback  # graphql-core's nesting limit: its error
            inner = self.type_ref(depth + 1)
            self.expect("]")
            type_: Any = make(ListTypeNode, {"type": inner, "loc": None})
        else:
            type_ = self.named_type()
        if self.optional("!"):
            return make(NonNullTypeNode, {"type": type_, "loc": None})
        return type_

    def named_type(self) -> Any:
        value = self.take()
        node = self.type_nodes.get(value)
        if node is None:
            node = make(NamedTypeNode, {"name": self.name(value), "loc": None})
            self.type_nodes[value] = node
        return node

    def directives(self) -> tuple[Any, ...] | None:
        t = self.t
        if t[self.i] != "@":
            return None
        directives = []
        while t[self.i] == "@":
            directives.append(self.directive())
        return tuple(directives)

    def directive(self) -> Any:
        t = self.t
        start = self.i
        # its tokens: "@", the name, and the arguments up to the first ")" (no constant value
        # holds a parenthesis)
        end = t.index(")", start) + 1 if t[start + 2] == "(" else start + 2
        key = tuple(t[start:end])
        node = self.directive_nodes.get(key)
        if node is not None:
            self.i = end
            return node
        self.i += 1
        name = self.name(self.take())
        arguments = self.block(self.argument, "(", ")") if t[self.i] == "(" else None
        if self.i != end:
            raise Fallback
        node = make(DirectiveNode, {"name": name, "arguments": arguments, "loc": None})
        self.directive_nodes[key] = node
        return node

    def argument(self) -> Any:
        name = self.name(self.take())
        self.expect(":")
        return make(ArgumentNode, {"name": name, "value": self.value(0), "loc": None})

    def value(self, depth: int) -> Any:
        token = self.take()
        first = token[:1]
        if first in _NAME_START:
            if token == "true" or token == "false":
                return make(BooleanValueNode, {"value": token == "true", "loc": None})
            if token == "null":
                return make(NullValueNode, {"loc": None})
            return make(EnumValueNode, {"value": token, "loc": None})
        if first == '"':
            return self.string(token)
        if first in _NUMBER_START:
            is_float = "." in token or "e" in token or "E" in token
            cls = FloatValueNode if is_float else IntValueNode
            return make(cls, {"value": token, "loc": None})
        if depth > 100:
            raise Fallback  # graphql-core's nesting limit: its error
        if first == "[":
            values = []
            while not self.optional("]"):
                values.append(self.value(depth + 1))
            return make(ListValueNode, {"values": tuple(values), "loc": None})
        if first == "{":
            object_fields = []
            while not self.optional("}"):
                name = self.name(self.take())
                self.expect(":")
                object_fields.append(
                    make(
                        ObjectFieldNode, {"name": name, "value": self.value(depth + 1), "loc": None}
                    )
                )
            return make(ObjectValueNode, {"fields": tuple(object_fields), "loc": None})
        raise Fallback  # a variable, or a token out of place


_DEFINITIONS = {
    "schema": _Reader.schema,
    "scalar": _Reader.scalar,
    "type": _Reader.object_type,
    "interface": _Reader.interface,
    "union": _Reader.union,
    "enum": _Reader.enum,
    "input": _Reader.input_object,
    "directive": _Reader.directive_definition,
}
