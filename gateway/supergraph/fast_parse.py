"""A fast parser for type-system SDL (a supergraph), giving graphql-core's own syntax tree.

graphql-core's parser was half of the load time of a large supergraph (1.1 of 2.1 s on 100
subgraphs and 2,000 types, bench/scale.py): per token it makes a ``Token`` object and a few
method calls, and every node goes through a frozen dataclass ``__init__`` (one
``object.__setattr__`` per field, ~4 µs for a field definition). Here one regular expression
cuts the whole text into token strings, a recursive descent over that list builds the same
nodes, and a node is made by filling its ``__dict__`` (the nodes are plain dict-based
dataclasses; ``_fast_nodes_work`` checks that at import and otherwise calls the constructors).

It is a fast path only. It understands the type-system definitions a supergraph holds
(schema, directive, scalar, type, interface, union, enum and input definitions, with
descriptions, directives and constant values) and gives up (``_Fallback``) on anything else:
a token it does not recognise, an extension, an executable definition, a value out of place.
``parse_sdl`` then parses with graphql-core, which either builds the tree or raises its own
syntax error with line and column. Escaped strings and block strings are read by graphql-core's
lexer, one token at a time. So the result is always graphql-core's tree of the text
(``parse(sdl, no_location=True)``; tests/supergraph/test_fast_parse.py compares them), only
sooner.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from graphql import GraphQLError, parse
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
    Lexer,
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
    Source,
    StringValueNode,
    TokenKind,
    UnionTypeDefinitionNode,
)

__all__ = ["parse_sdl", "replace_node"]

# Ignored tokens (white space, line terminators, commas, the BOM, comments), then one token:
# a block string, a string, a number, a name or a punctuator. Anything else is matched by the
# last alternative outside the group, so it comes out as "" and stops the fast path. Lone
# surrogates match nothing here either: graphql-core judges them.
_TOKENS = re.compile(
    r"(?:[ \t,\ufeff\n\r]+|#[^\n\r\ud800-\udfff]*)*+"
    r"(?:("
    r'"""(?:\\"""|[^"\\\ud800-\udfff]|\\|"(?!""))*"""'
    r'|"(?:[^"\\\n\r\ud800-\udfff]|\\[^\n\r\ud800-\udfff])*"'
    # a number may not run into a name or a dot (graphql-core: "Invalid number")
    r"|-?(?:0(?![0-9])|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![_A-Za-z.])"
    r"|[_A-Za-z][_0-9A-Za-z]*"
    r"|[!&():=@\[\]{|}]"
    r")|[\s\S])"
)
_NAME_START = frozenset("_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NUMBER_START = frozenset("-0123456789")
_LOCATIONS = frozenset(DirectiveLocation.__members__)
_OPERATIONS = {op.value: op for op in OperationType}
_NOT_ENUM_VALUES = frozenset({"true", "false", "null"})
_new = object.__new__


class _Fallback(Exception):
    """Not something the fast path reads: let graphql-core parse the text."""


def parse_sdl(sdl: str) -> DocumentNode:
    """graphql-core's ``parse(sdl, no_location=True)``, faster for type-system SDL."""
    try:
        document: DocumentNode = _Reader(sdl).document()
        return document
    except (_Fallback, IndexError, ValueError, RecursionError):
        return parse(sdl, no_location=True)


def _node_dict(cls: type, fields: dict[str, Any]) -> Any:
    node: Any = _new(cls)
    node.__dict__.update(fields)
    return node


def _node_init(cls: type, fields: dict[str, Any]) -> Any:
    del fields["loc"]
    return cls(**fields)


def _fast_nodes_work() -> bool:
    """Whether a node made by filling its ``__dict__`` equals one made by its constructor."""
    try:
        made = _node_dict(NameNode, {"value": "x", "loc": None})
        return bool(made == NameNode(value="x") and hash(made) == hash(NameNode(value="x")))
    except (AttributeError, TypeError):
        return False


_make = _node_dict if _fast_nodes_work() else _node_init


def replace_node(node: Any, changes: dict[str, Any]) -> Any:
    """``dataclasses.replace(node, **changes)`` without the constructor (the same check)."""
    if _make is _node_init:
        return dataclasses.replace(node, **changes)
    fields = dict(node.__dict__)
    fields.update(changes)
    return _node_dict(type(node), fields)


class _Reader:
    """A recursive descent over the token strings; ``self.i`` is the next token."""

    __slots__ = ("directive_nodes", "i", "name_nodes", "t", "type_nodes")

    def __init__(self, sdl: str) -> None:
        # The appended line ends a last comment, and "\x01" is no token: it comes out as the
        # last "", so that every position before it is matched (``findall`` would skip a
        # position where nothing matches) and the list has an end that no rule accepts.
        self.t: list[str] = _TOKENS.findall(sdl + "\n\x01")
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
                raise _Fallback
            node = self.name_nodes[value] = _make(NameNode, {"value": value, "loc": None})
        return node

    def take(self) -> str:
        token = self.t[self.i]
        self.i += 1
        return token

    def expect(self, token: str) -> None:
        if self.t[self.i] != token:
            raise _Fallback
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
            raise _Fallback  # graphql-core's error for an empty document
        return _make(DocumentNode, {"definitions": tuple(definitions), "loc": None})

    def definition(self) -> Any:
        description = self.description()
        keyword = self.take()
        read = _DEFINITIONS.get(keyword)
        if read is None:
            raise _Fallback  # extend, query, fragment, { …: graphql-core parses or explains
        return read(self, description)

    def description(self) -> Any:
        if self.t[self.i][:1] == '"':
            return self.string(self.take())
        return None

    def string(self, token: str) -> Any:
        if token[:3] == '"""' or "\\" in token:
            value, block = _lexed_string(token)
        else:
            value, block = token[1:-1], False
        return _make(StringValueNode, {"value": value, "block": block, "loc": None})

    # definitions

    def schema(self, description: Any) -> Any:
        directives = self.directives()
        self.expect("{")
        operation_types = [self.operation_type()]
        while not self.optional("}"):
            operation_types.append(self.operation_type())
        fields = {"description": description, "directives": directives}
        fields.update(operation_types=tuple(operation_types), loc=None)
        return _make(SchemaDefinitionNode, fields)

    def operation_type(self) -> Any:
        operation = _OPERATIONS.get(self.take())
        if operation is None:
            raise _Fallback
        self.expect(":")
        return _make(
            OperationTypeDefinitionNode,
            {"operation": operation, "type": self.named_type(), "loc": None},
        )

    def scalar(self, description: Any) -> Any:
        name = self.name(self.take())
        fields = {"description": description, "name": name, "directives": self.directives()}
        fields["loc"] = None
        return _make(ScalarTypeDefinitionNode, fields)

    def object_type(self, description: Any) -> Any:
        return self.composite(ObjectTypeDefinitionNode, description)

    def interface(self, description: Any) -> Any:
        return self.composite(InterfaceTypeDefinitionNode, description)

    def composite(self, cls: type, description: Any) -> Any:
        name = self.name(self.take())
        interfaces = self.delimited("&", self.named_type) if self.optional("implements") else None
        directives = self.directives()
        fields = self.block(self.field) if self.t[self.i] == "{" else None
        return _make(
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
        return _make(UnionTypeDefinitionNode, fields)

    def enum(self, description: Any) -> Any:
        name = self.name(self.take())
        directives = self.directives()
        values = self.block(self.enum_value) if self.t[self.i] == "{" else None
        fields = {"description": description, "name": name, "directives": directives}
        fields.update(values=values, loc=None)
        return _make(EnumTypeDefinitionNode, fields)

    def enum_value(self) -> Any:
        description = self.description()
        token = self.take()
        if token in _NOT_ENUM_VALUES:
            raise _Fallback
        fields = {"description": description, "name": self.name(token)}
        fields.update(directives=self.directives(), loc=None)
        return _make(EnumValueDefinitionNode, fields)

    def input_object(self, description: Any) -> Any:
        name = self.name(self.take())
        directives = self.directives()
        values = self.block(self.input_value) if self.t[self.i] == "{" else None
        fields = {"description": description, "name": name, "directives": directives}
        fields.update(fields=values, loc=None)
        return _make(InputObjectTypeDefinitionNode, fields)

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
        return _make(DirectiveDefinitionNode, fields)

    def location(self) -> Any:
        token = self.take()
        if token not in _LOCATIONS:
            raise _Fallback
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
        return _make(
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
        return _make(
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
                raise _Fallback  # graphql-core's nesting limit: its error
            inner = self.type_ref(depth + 1)
            self.expect("]")
            type_: Any = _make(ListTypeNode, {"type": inner, "loc": None})
        else:
            type_ = self.named_type()
        if self.optional("!"):
            return _make(NonNullTypeNode, {"type": type_, "loc": None})
        return type_

    def named_type(self) -> Any:
        value = self.take()
        node = self.type_nodes.get(value)
        if node is None:
            node = _make(NamedTypeNode, {"name": self.name(value), "loc": None})
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
            raise _Fallback
        node = _make(DirectiveNode, {"name": name, "arguments": arguments, "loc": None})
        self.directive_nodes[key] = node
        return node

    def argument(self) -> Any:
        name = self.name(self.take())
        self.expect(":")
        return _make(ArgumentNode, {"name": name, "value": self.value(0), "loc": None})

    def value(self, depth: int) -> Any:
        token = self.take()
        first = token[:1]
        if first in _NAME_START:
            if token == "true" or token == "false":
                return _make(BooleanValueNode, {"value": token == "true", "loc": None})
            if token == "null":
                return _make(NullValueNode, {"loc": None})
            return _make(EnumValueNode, {"value": token, "loc": None})
        if first == '"':
            return self.string(token)
        if first in _NUMBER_START:
            is_float = "." in token or "e" in token or "E" in token
            cls = FloatValueNode if is_float else IntValueNode
            return _make(cls, {"value": token, "loc": None})
        if depth > 100:
            raise _Fallback  # graphql-core's nesting limit: its error
        if first == "[":
            values = []
            while not self.optional("]"):
                values.append(self.value(depth + 1))
            return _make(ListValueNode, {"values": tuple(values), "loc": None})
        if first == "{":
            object_fields = []
            while not self.optional("}"):
                name = self.name(self.take())
                self.expect(":")
                object_fields.append(
                    _make(
                        ObjectFieldNode, {"name": name, "value": self.value(depth + 1), "loc": None}
                    )
                )
            return _make(ObjectValueNode, {"fields": tuple(object_fields), "loc": None})
        raise _Fallback  # a variable, or a token out of place


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


def _lexed_string(token: str) -> tuple[str, bool]:
    """The value of an escaped or block string token, as graphql-core's lexer reads it."""
    try:
        lexed = Lexer(Source(token)).advance()
    except GraphQLError:
        raise _Fallback from None
    if lexed.end != len(token) or lexed.kind not in (TokenKind.STRING, TokenKind.BLOCK_STRING):
        raise _Fallback
    return lexed.value or "", lexed.kind is TokenKind.BLOCK_STRING
