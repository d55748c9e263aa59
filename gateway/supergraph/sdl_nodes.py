"""The pieces of the fast SDL parser (fast_parse.py) that are not the grammar: the token
expression, the way nodes are made, and the values of escaped and block strings."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from graphql import GraphQLError
from graphql.language import Lexer, NameNode, Source, TokenKind

__all__ = ["TOKENS", "Fallback", "lexed_string", "make", "node_dict", "replace_node"]

_new = object.__new__

# Ignored tokens (white space, line terminators, commas, the BOM, comments), then one token:
# a block string, a string, a number, a name or a punctuator. Anything else is matched by the
# last alternative outside the group, so it comes out as "" and stops the fast path. Lone
# surrogates match nothing here either: graphql-core judges them.
TOKENS = re.compile(
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


class Fallback(Exception):
    """Not something the fast path reads: let graphql-core parse the text."""


def node_dict(cls: type, fields: dict[str, Any]) -> Any:
    node: Any = _new(cls)
    node.__dict__.update(fields)
    return node


def node_init(cls: type, fields: dict[str, Any]) -> Any:
    del fields["loc"]
    return cls(**fields)


def fast_nodes_work() -> bool:
    """Whether a node made by filling its ``__dict__`` equals one made by its constructor."""
    try:
        made = node_dict(NameNode, {"value": "x", "loc": None})
        return bool(made == NameNode(value="x") and hash(made) == hash(NameNode(value="x")))
    except (AttributeError, TypeError):
        return False


make = node_dict if fast_nodes_work() else node_init


def replace_node(node: Any, changes: dict[str, Any]) -> Any:
    """``dataclasses.replace(node, **changes)`` without the constructor (the same check)."""
    if make is node_init:
        return dataclasses.replace(node, **changes)
    fields = dict(node.__dict__)
    fields.update(changes)
    return node_dict(type(node), fields)


def lexed_string(token: str) -> tuple[str, bool]:
    """The value of an escaped or block string token, as graphql-core's lexer reads it."""
    try:
        lexed = Lexer(Source(token)).advance()
    except GraphQLError:
        raise Fallback from None
    if lexed.end != len(token) or lexed.kind not in (TokenKind.STRING, TokenKind.BLOCK_STRING):
        raise Fallback
    return lexed.value or "", lexed.kind is TokenKind.BLOCK_STRING
