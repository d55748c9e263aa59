"""Satisfiability verdicts on small graphs (the expected codes are Apollo's for the same input)."""

from __future__ import annotations

import pytest

from gateway.composition import CompositionFailure

from .helpers import compose_sdls, fed2

SHELF = "type Query {{ shelf: Shelf! @shareable }} type Shelf @shareable {{ featured: {}! }} "
BOOK = "type Book @shareable { title: String"
SONG = "type Song @shareable { length: Int }"
SONGS = "type Query { songs: [Song] } type Song @shareable { length: Int artist: String }"
OWNER = "type Query {{ owner: Owner! @shareable }} type Owner @shareable {{ pet: {}! }} "
ANIMAL = "interface Animal { id: ID! } "
DOG = "type Dog implements Animal @shareable { id: ID! } "
CAT = "type Cat implements Animal @shareable { id: ID! }"
CATS = "type Query { cats: [Cat] } type Cat @shareable { id: ID! lives: Int }"

CASES = {
    "key-back-missing": (
        {
            "a": fed2("type Query { r: R } type R { x: Int @shareable }"),
            "b": fed2('type R @key(fields: "id") { id: ID! x: Int @shareable y: Int }'),
        },
        ["SATISFIABILITY_ERROR", "SATISFIABILITY_ERROR"],
    ),
    "non-resolvable-key": (
        {
            "a": fed2('type Query { r: R } type R @key(fields: "id") { id: ID! x: Int }'),
            "b": fed2('type R @key(fields: "id", resolvable: false) { id: ID! y: Int }'),
        },
        ["SATISFIABILITY_ERROR"],
    ),
    "requires-through-key": (
        {
            "a": fed2('type Query { r: R } type R @key(fields: "id") { id: ID! x: Int }'),
            "b": fed2(
                'type R @key(fields: "id") { id: ID! x: Int @external '
                'y: Int @requires(fields: "x") }'
            ),
        },
        [],
    ),
    "requires-without-entry": (
        {
            "a": fed2('type Query { r: R } type R @key(fields: "id") { id: ID! x: Int }'),
            "b": fed2(
                'type R @key(fields: "id", resolvable: false) { id: ID! x: Int @external '
                'y: Int @requires(fields: "x") }'
            ),
        },
        ["SATISFIABILITY_ERROR"],
    ),
    "interface-object": (
        {
            "a": fed2(
                'type Query { n: Node } interface Node @key(fields: "id") { id: ID! } '
                'type A implements Node @key(fields: "id") { id: ID! a: Int }'
            ),
            "b": fed2('type Node @key(fields: "id") @interfaceObject { id: ID! extra: String }'),
        },
        [],
    ),
    "override-moves-field": (
        {
            "a": fed2('type Query { r: R } type R @key(fields: "id") { id: ID! x: Int }'),
            "b": fed2('type R @key(fields: "id") { id: ID! x: Int @override(from: "a") }'),
        },
        [],
    ),
    "shared-root-field-picks-a-subgraph": (
        {
            "a": fed2("type Query { t: T @shareable } type T @shareable { id: ID! x: Int }"),
            "b": fed2("type Query { t: T @shareable } type T @shareable { id: ID! }"),
        },
        [],
    ),
    "requirements-fetched-before-a-non-resolvable-key": (
        {
            "a": fed2(
                'type Query { u: U } type U @key(fields: "id", resolvable: false) '
                '{ id: ID! x: String @external y: Int @requires(fields: "x") }'
            ),
            "b": fed2('type U @key(fields: "id") { id: ID! x: String }'),
        },
        [],
    ),
    "provided-external-is-resolved-despite-override": (
        {
            "a": fed2(
                'type Query { u: U } type U @key(fields: "id") '
                '{ id: ID! x: String @override(from: "b") }'
            ),
            "b": fed2(
                'type Query { v: U @provides(fields: "x") } '
                'type U @key(fields: "id") { id: ID! x: String @external }'
            ),
        },
        ["INVALID_FIELD_SHARING"],
    ),
    "nested-provides": (
        {
            "a": fed2(
                'type Query { r: R } type R { p: P @provides(fields: "maker { name }") } '
                'type P @key(fields: "id") { id: ID! maker: M @external } '
                "type M { name: String @external }"
            ),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! maker: M @shareable } '
                "type M { name: String @shareable }"
            ),
        },
        [],
    ),
    "context-set-by-an-ancestor": (
        {
            "a": fed2(
                'type Query { p: P } type P @key(fields: "id") @context(name: "c") '
                '{ id: ID! t: T } type T @key(fields: "id") '
                '{ id: ID! u(x: ID @fromContext(field: "$c { id }")): Int }'
            )
        },
        [],
    ),
    "context-not-set-on-the-way": (
        {
            "a": fed2(
                'type Query { t: T } type T @key(fields: "id") @context(name: "c") { id: ID! '
                'u(x: ID @fromContext(field: "$c { id }")): Int }'
            )
        },
        ["SATISFIABILITY_ERROR"],
    ),
    "key-chain-over-three-subgraphs": (
        {
            "a": fed2('type Query { r: R } type R @key(fields: "id") { id: ID! k: String! }'),
            "b": fed2('type R @key(fields: "k") { k: String! z: Int }'),
            "c": fed2('type R @key(fields: "id") { id: ID! k: String! @shareable w: Int }'),
        },
        ["INVALID_FIELD_SHARING"],
    ),
    # A field that is abstract in the supergraph but narrower in one subgraph: a type condition
    # that can never match through one option needs no plan (Apollo's rule), except for an
    # object under an interface, which only drops out of the options.
    "concrete-in-one-subgraph": (
        {
            "a": fed2(SHELF.format("Book") + BOOK + " pages: Int }"),
            "b": fed2(SHELF.format("Media") + "union Media = Book | Song " + BOOK + "} " + SONG),
        },
        [],
    ),
    "condition-never-matching-in-one-subgraph": (
        {
            "a": fed2(SHELF.format("Book") + BOOK + " }"),
            "b": fed2(SHELF.format("Media") + "union Media = Book | Song " + BOOK + "} " + SONG),
            "c": fed2(SONGS),
        },
        [],
    ),
    "condition-never-matching-in-one-subgraph-union": (
        {
            "a": fed2(SHELF.format("Media") + "union Media = Book " + BOOK + "}"),
            "b": fed2(SHELF.format("Media") + "union Media = Book | Song " + BOOK + "} " + SONG),
            "c": fed2(SONGS),
        },
        [],
    ),
    "condition-on-the-only-union-with-the-member": (
        {
            "b": fed2(SHELF.format("Media") + "union Media = Book | Song " + BOOK + "} " + SONG),
            "c": fed2(SONGS),
        },
        ["SATISFIABILITY_ERROR"],
    ),
    "condition-never-matching-in-one-subgraph-interface": (
        {
            "a": fed2(OWNER.format("Animal") + ANIMAL + DOG),
            "b": fed2(OWNER.format("Animal") + ANIMAL + DOG + CAT),
            "c": fed2(CATS),
        },
        [],
    ),
    "object-under-an-interface-only-drops-out": (
        {
            "a": fed2(OWNER.format("Dog") + "type Dog @shareable { id: ID! }"),
            "b": fed2(OWNER.format("Animal") + ANIMAL + DOG + CAT),
            "c": fed2(CATS),
        },
        ["SATISFIABILITY_ERROR"],
    ),
    # Interface fields are checked on each implementation, not on the interface: "a" has no
    # Node.title but each of its implementations reaches one (User's here, Team's in "b").
    "interface-field-checked-per-implementation": (
        {
            "a": fed2(
                "type Query { nodes: [Node] } interface Node { id: ID! } "
                'type User implements Node @key(fields: "id") { id: ID! title: String @shareable } '
                'type Team implements Node @key(fields: "id") { id: ID! }'
            ),
            "b": fed2(
                "interface Node { id: ID! title: String } "
                'type User implements Node @key(fields: "id") { id: ID! title: String @shareable } '
                'type Team implements Node @key(fields: "id") { id: ID! title: String }'
            ),
        },
        [],
    ),
    "interface-field-missing-on-one-implementation": (
        {
            "a": fed2(
                "type Query { nodes: [Node] } interface Node { id: ID! } "
                'type User implements Node @key(fields: "id") { id: ID! } '
                "type Team implements Node @shareable { id: ID! }"
            ),
            "b": fed2(
                "interface Node { id: ID! title: String } "
                'type User implements Node @key(fields: "id") { id: ID! title: String } '
                "type Team implements Node @shareable { id: ID! title: String }"
            ),
        },
        ["SATISFIABILITY_ERROR"],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_verdict(name: str) -> None:
    sdls, codes = CASES[name]
    result = compose_sdls(**sdls)
    found = [e.code for e in result.errors] if isinstance(result, CompositionFailure) else []
    assert sorted(found) == sorted(codes), result


def test_message_lists_every_open_subgraph() -> None:
    result = compose_sdls(
        a=fed2("type Query { t: T @shareable } type T @shareable { id: ID! }"),
        b=fed2("type Query { t: T @shareable } type T @shareable { id: ID! }"),
        c=fed2('type T @key(fields: "id", resolvable: false) { id: ID! x: Int }'),
    )
    assert isinstance(result, CompositionFailure)
    [error] = result.errors
    assert error.code == "SATISFIABILITY_ERROR"
    assert error.message.startswith(
        "The following supergraph API query:\n{\n  t {\n    x\n  }\n}\n"
        "cannot be satisfied by the subgraphs because:\n"
        '- from subgraph "a":\n  - cannot find field "T.x".\n'
    )
    assert '- from subgraph "b":\n  - cannot find field "T.x".' in error.message
    assert error.element == "T.x"
    assert [str(loc) for loc in error.locations] == ["c.graphql:2:56"]
