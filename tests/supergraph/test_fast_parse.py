"""The fast SDL parser gives graphql-core's tree, or graphql-core's own answer when it gives up.

Every case compares with ``graphql.parse(text, no_location=True)``: the same tree (node classes
and values), or the same syntax error. The supergraphs the tests serve must take the fast path
(a fallback would keep the answers right and silently lose the speed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLError, GraphQLSyntaxError, parse

from gateway.supergraph.fast_parse import _Reader, parse_sdl
from gateway.supergraph.sdl_nodes import Fallback, make, node_dict

TESTS = Path(__file__).parent.parent
SUPERGRAPHS = sorted(
    p
    for p in TESTS.rglob("*.graphql")
    if "join__Graph" in p.read_text(encoding="utf-8") and "extend schema" not in p.read_text()
)


def reference(text: str) -> object:
    try:
        return parse(text, no_location=True)
    except GraphQLError as error:
        return ("error", str(error))


def fast(text: str) -> object:
    try:
        return parse_sdl(text)
    except GraphQLError as error:
        return ("error", str(error))


def test_nodes_are_made_without_their_constructors() -> None:
    assert make is node_dict  # graphql-core's nodes are dict-based dataclasses


def test_there_are_supergraphs_to_compare() -> None:
    assert len(SUPERGRAPHS) > 50


@pytest.mark.parametrize("path", SUPERGRAPHS, ids=lambda p: str(p.relative_to(TESTS)))
def test_every_test_supergraph_takes_the_fast_path_to_the_same_tree(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _Reader(text).document() == parse(text, no_location=True)


SDL = [
    # descriptions: plain, escaped, unicode escapes, block strings (indented, escaped quotes)
    '"plain" type A { "f" f: Int }',
    r'"say \"hi\" \\ \/ \b\f\n\r\t" scalar S',
    r'"caf\u00e9 \u{1F600} \uD83D\uDE00" enum E { "v" V }',
    '"""\n    Block\n      indented\n    \\""" quote\n  """\ntype A { a: Int }',
    '""" one line """ input I { """x""" x: Int = 1 }',
    '"" scalar Empty',
    # every kind of constant value, as defaults and directive arguments
    "type Q { f(a: Int = -0, b: Float = 1.5e-3, c: Float = 2E+10, d: [[Int!]!] = [[1], []], "
    'e: String = "s", g: E = V, h: Boolean = true, i: Boolean = false, j: Int = null, '
    'k: In = {a: 1, b: [{c: "d"}], e: {}}): Int @d(x: [1, 2.0, "3", null, V, {k: true}]) }',
    'directive @d(x: [Any], y: String = """b""") repeatable on FIELD_DEFINITION | OBJECT',
    "directive @e on | SCHEMA | ENUM_VALUE",
    # shapes of definitions
    "schema @a(b: 1) { query: Q mutation: M subscription: S }",
    "type A implements & B & C @x @y(z: 1) { a: Int }",
    "interface I implements J { i: ID! }",
    "union U @u = | A | B",
    "union V",
    "type NoFields @x",
    "enum E @e { A @d B C }",
    "input I @i { a: Int! = 3 @d, b: [I] }",
    'scalar URL @specifiedBy(url: "https://example.com")',
    "type true { null: false }",
    # ignored tokens: commas, comments, the BOM, CRLF, tabs
    "\ufeff# comment\r\ntype A {\ta: Int,, b: Int # trailing\n},\n\n",
    "type A { a: Int } # the end, no newline",
    "scalar S @d",
    "scalar S @d(a: 1) @d(a: 1) @d(a: 2) @e @e(a: 1)\nscalar T @d(a: 1) @e",
    # unicode inside strings and comments
    '"ünïcødé ✓ 🚀" type A { a: Int # ✓\n }',
]

BAD = [
    "",
    "   # only a comment\n",
    "extend type A { b: Int }",
    'extend schema @link(url: "x")',
    "query { a }",
    "{ a }",
    "fragment F on A { a }",
    "input A { a: Int = 01 }",
    "type A { a(x: Int = 1a): Int }",
    "type A { a(x: Float = 1.): Int }",
    "type A { a(x: Float = .5): Int }",
    "type A { a(x: Float = 1e): Int }",
    "type A { a(x: Int = -): Int }",
    'type A { a: String = "unterminated }',
    'type A { "line\nbreak" a: Int }',
    r'scalar S @d(x: "bad \q escape")',
    r'scalar S @d(x: "\u{110000}")',
    'scalar S @d(x: """unterminated)',
    "type A { a(x: Int = $v): Int }",
    "type A { a(): Int }",
    "type A { }",
    "enum E { true }",
    "enum E { null }",
    "directive @d on NOWHERE",
    "directive @d repeatable",
    "schema { query: Q, other: O }",
    "type A { a: Int } ...",
    "type A { a: Int } 'single'",
    "type A { a: [Int }",
    "type Ä { a: Int }",
    '"description" extend type A { a: Int }',
    '"description" { a }',
    "type A { a(x: [Int] = " + "[" * 150 + "]" * 150 + "): Int }",
    "type A { a: " + "[" * 150 + "Int" + "]" * 150 + " }",
    "type A { a: Int \x00 }",
    "type A { a: Int } \ud800",
    "scalar S @d(x: 1",
    "scalar S @d(x: 1 scalar T @e(y: 2)",
]


@pytest.mark.parametrize("text", SDL)
def test_the_fast_path_reads_type_system_sdl_as_graphql_core(text: str) -> None:
    assert _Reader(text).document() == parse(text, no_location=True)


@pytest.mark.parametrize("text", BAD)
def test_what_the_fast_path_does_not_read_is_graphql_cores_answer(text: str) -> None:
    with pytest.raises((Fallback, IndexError, ValueError, RecursionError)):
        _Reader(text).document()
    assert fast(text) == reference(text)


def test_a_syntax_error_keeps_graphql_cores_message_line_and_column() -> None:
    with pytest.raises(GraphQLSyntaxError) as caught:
        parse_sdl("input A {\n  a: Int = 01\n}")
    assert caught.value.locations is not None
    assert (caught.value.locations[0].line, caught.value.locations[0].column) == (2, 13)
    assert "Invalid number" in caught.value.message
