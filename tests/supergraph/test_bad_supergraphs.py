"""Broken supergraphs are refused with a clear INVALID_SUPERGRAPH error, never a traceback.

The API schema is built without graphql-core's SDL validation when our own checks
(gateway/supergraph/sdl_checks.py) are sure the document passes it; these cases prove that a
document they are not sure of still meets graphql-core's rules and words, and that what they
pass graphql-core passes too."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import DocumentNode, parse
from graphql.validation.validate import validate_sdl

from gateway.errors import SupergraphError
from gateway.supergraph import load_supergraph
from gateway.supergraph.api_schema import api_definitions
from gateway.supergraph.build import _links, _schema_definition
from gateway.supergraph.fast_parse import parse_sdl
from gateway.supergraph.names import FeatureNames
from gateway.supergraph.sdl_checks import certainly_valid

from .test_fast_parse import SUPERGRAPHS

BENCH = (Path(__file__).parent.parent / "fixtures" / "bench_supergraph.graphql").read_text()
REVIEW = 'type Review\n  @join__type(graph: REVIEWS, key: "id")\n{\n  id: ID!\n'


def broken(old: str, new: str) -> str:
    assert old in BENCH
    return BENCH.replace(old, new, 1)


CASES = [
    # (what, the broken supergraph, what the error says)
    ("unknown type", broken("  body: String\n", "  body: Strin\n"), "Unknown type 'Strin'"),
    (
        "duplicate type",
        BENCH + '\ntype Review @join__type(graph: REVIEWS, key: "id") { id: ID! }\n',
        "There can be only one type named 'Review'",
    ),
    (
        "duplicate field",
        broken(REVIEW, REVIEW + "  id: ID!\n"),
        "Field 'Review.id' can only be defined once",
    ),
    (
        "duplicate argument",
        broken("user(id: ID!)", "user(id: ID!, id: ID)"),
        "Argument 'Query.user(id:)' can only be defined once",
    ),
    (
        "unknown directive",
        broken("  body: String\n", "  body: String @nope\n"),
        "Unknown directive '@nope'",
    ),
    (
        "directive in the wrong place",
        broken("  body: String\n", '  body: String @specifiedBy(url: "x")\n'),
        "Directive '@specifiedBy' may not be used on field definition",
    ),
    (
        "unknown directive argument",
        broken("  body: String\n", '  body: String @deprecated(why: "x")\n'),
        "Unknown argument 'why' on directive '@deprecated'",
    ),
    (
        "a directive repeated",
        broken("  body: String\n", "  body: String @deprecated @deprecated\n"),
        "The directive '@deprecated' can only be used once at this location",
    ),
    (
        "unknown interface",
        broken("type Review\n", "type Review implements Node\n"),
        "Unknown type 'Node'",
    ),
    ("two schema definitions", BENCH + "\nschema { query: Query }\n", "only one schema"),
]


@pytest.mark.parametrize(("what", "text", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_broken_supergraph_is_refused_in_graphql_cores_words(
    what: str, text: str, message: str
) -> None:
    with pytest.raises(SupergraphError, match="cannot build the API schema") as caught:
        load_supergraph(text, source="sg.graphql")
    assert caught.value.code == "INVALID_SUPERGRAPH"
    assert message in caught.value.message
    assert caught.value.message.startswith("sg.graphql: ")


JOIN_CASES = [
    (
        "unknown graph",
        broken("@join__field(graph: REVIEWS)\n}", "@join__field(graph: REVIEWZ)\n}"),
        "type Product: a join directive's graph: REVIEWZ is no value of enum join__Graph",
    ),
    (
        "a type join without graph",
        broken(
            '@join__type(graph: REVIEWS, key: "id")\n{\n  id', '@join__type(key: "id")\n{\n  id'
        ),
        "type Review: a join directive lacks its argument 'graph'",
    ),
]


@pytest.mark.parametrize(("what", "text", "message"), JOIN_CASES, ids=[c[0] for c in JOIN_CASES])
def test_a_bad_join_directive_is_a_clear_error(what: str, text: str, message: str) -> None:
    with pytest.raises(SupergraphError) as caught:
        load_supergraph(text, source="sg.graphql")
    assert caught.value.message == f"sg.graphql: {message}"


API_DOCUMENTS = [
    "type Query { a: Int }",
    "directive @d(x: Int!, y: In = {a: 1}) repeatable on FIELD_DEFINITION\ninput In { a: Int }\n"
    "type Query { a: Int @d(x: 1) @d(x: 2, y: {a: 2}) }",
    "schema { query: Q }\ntype Q implements I { a: E @deprecated }\ninterface I { a: E }\n"
    'enum E { A B @deprecated(reason: "no") }\nunion U = Q\n'
    'scalar S @specifiedBy(url: "u")\ninput In @oneOf { a: Int b: [In!] = [{a: 1}] }',
]

NOT_SURE = [
    "schema { query: Q query: Q }\ntype Q { a: Int }",
    "type Query { a: Int }\nenum E { A A }",
    "type Query { a: Int }\ninput In { a: Int a: Int }",
    "directive @d on FIELD_DEFINITION\ndirective @d on OBJECT\ntype Query { a: Int }",
    "directive @d(x: Int!) on FIELD_DEFINITION\ntype Query { a: Int @d }",
    "directive @d(x: In) on FIELD_DEFINITION\ninput In { a: Int }\n"
    "type Query { a: Int @d(x: {a: 1, a: 2}) }",
    "directive @d(x: Int) on FIELD_DEFINITION\ntype Query { a: Int @d(x: 1, x: 2) }",
    "type Query { a(x: Unknown): Int }",
    "type Query { a: Int }\nunion U = Nope",
    "type Query { a: Int }\ninput In { a: Int @deprecated(reason: 1, reason: 2) }",
]
# valid, but shapes the checks do not look at: graphql-core decides
UNUSUAL = ["type Query { a: Int }\nextend type Query { b: Int }"]


@pytest.mark.parametrize("text", API_DOCUMENTS)
def test_what_our_checks_pass_graphql_core_passes(text: str) -> None:
    document = parse(text)
    assert not validate_sdl(document)
    assert certainly_valid(document.definitions)


@pytest.mark.parametrize("text", NOT_SURE)
def test_what_graphql_core_refuses_our_checks_are_not_sure_of(text: str) -> None:
    document = parse(text)
    assert not certainly_valid(document.definitions)
    assert validate_sdl(document)


@pytest.mark.parametrize("text", UNUSUAL)
def test_what_our_checks_do_not_look_at_is_left_to_graphql_core(text: str) -> None:
    document = parse(text)
    assert not certainly_valid(document.definitions)
    assert not validate_sdl(document)


@pytest.mark.parametrize("path", SUPERGRAPHS, ids=lambda p: p.name)
def test_every_test_supergraph_is_built_without_graphql_cores_sdl_validation(path: Path) -> None:
    document = parse_sdl(path.read_text(encoding="utf-8"))
    names = FeatureNames(_links(_schema_definition(document, "x"), "x"))
    definitions = api_definitions(document, names)
    assert certainly_valid(definitions)
    assert not validate_sdl(DocumentNode(definitions=tuple(definitions)))
