"""Which fields of a @requires/@provides field set must be @external (Apollo's rule), and
which @external fields are not external at all.

Only leaves must be: below an @external field (or a field of an interface whose
implementation in the subgraph marks it @external) the whole value comes from another
subgraph, so its subfields are plain value-type fields. ``test_apollo_parity.py`` checks that
Apollo's composition gives the same verdicts (codes) on the same input.
"""

from __future__ import annotations

import pytest

from gateway.composition import CompositionFailure

from .helpers import compose_sdls, fed2

ADDRESS = "type Address @shareable { city: String zip: String }"
INTERFACE = "interface I { v: V } type V @shareable { x: Int }"
OWNER = 'type Query { p: P } type P @key(fields: "id") { id: ID! '

#: name -> (subgraph SDLs, expected error messages; [] when composition succeeds)
CASES: dict[str, tuple[dict[str, str], list[str]]] = {
    "leaf-under-external-parent": (
        {
            "a": fed2(OWNER + "address: Address }" + ADDRESS),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! address: Address @external '
                'ship: Int @requires(fields: "address { city }") }' + ADDRESS
            ),
        },
        [],
    ),
    "external-leaf-under-plain-parent": (
        {
            "a": fed2(OWNER + "address: Address @shareable }" + ADDRESS),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! address: Address @shareable '
                'ship: Int @requires(fields: "address { city }") } '
                "type Address @shareable { city: String @external zip: String }"
            ),
        },
        [],
    ),
    "plain-leaf-under-plain-parent": (
        {
            "a": fed2(OWNER + "address: Address @shareable }" + ADDRESS),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! address: Address @shareable '
                'ship: Int @requires(fields: "address { city }") }' + ADDRESS
            ),
        },
        [
            '[b] On field "P.ship", for @requires(fields: "address { city }"): field '
            '"Address.city" should not be part of a @requires since it is already provided by '
            "this subgraph (it is not marked @external)"
        ],
    ),
    "interface-field-external-in-implementation": (
        {
            "a": fed2(
                OWNER + "i: I @shareable } type T implements I @shareable { v: V }" + INTERFACE
            ),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! i: I @shareable '
                'ship: Int @requires(fields: "i { v { x } }") } '
                "type T implements I { v: V @external }" + INTERFACE
            ),
        },
        [],
    ),
    "interface-field-plain-in-implementation": (
        {
            "a": fed2(
                OWNER + "i: I @shareable } type T implements I @shareable { v: V }" + INTERFACE
            ),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! i: I @shareable '
                'ship: Int @requires(fields: "i { v { x } }") } '
                "type T implements I @shareable { v: V }" + INTERFACE
            ),
        },
        [
            '[b] On field "P.ship", for @requires(fields: "i { v { x } }"): field "V.x" should '
            "not be part of a @requires since it is already provided by this subgraph (it is not "
            "marked @external)"
        ],
    ),
    "provides-leaf-of-interface-type": (
        {
            "a": fed2(
                'type Query { o: O } type O @key(fields: "id") { id: ID! pets: [Animal] } '
                'interface Animal { name: String } type Dog implements Animal @key(fields: "name") '
                "{ name: String }"
            ),
            "b": fed2(
                'type Query { q: O @provides(fields: "pets { name }") } '
                'type O @key(fields: "id") { id: ID! pets: [Animal] @shareable } '
                'interface Animal { name: String } type Dog implements Animal @key(fields: "name") '
                "{ name: String @external }"
            ),
        },
        [
            '[b] On field "Query.q", for @provides(fields: "pets { name }"): field '
            '"Animal.name" should not be part of a @provides since it is already provided by this '
            "subgraph (it is not marked @external)"
        ],
    ),
    # An @external key field of an extension is not external in Federation 2 either ("fake"
    # external, kept for compatibility): the subgraph resolves it.
    "key-of-an-extension-marked-external": (
        {
            "a": fed2(OWNER + "name: String }"),
            "b": fed2(
                "type Query { top: [P] } "
                'extend type P @key(fields: "id") { id: ID! @external reviews: [String] }'
            ),
        },
        [],
    ),
    "key-of-an-extension-in-a-requires": (
        {
            "a": fed2(OWNER + "name: String }"),
            "b": fed2(
                'extend type P @key(fields: "id") { id: ID! @external '
                'ship: Int @requires(fields: "id") }'
            ),
        },
        [
            '[b] On field "P.ship", for @requires(fields: "id"): field "P.id" should not be part '
            'of a @requires since it is already "effectively" provided by this subgraph (while it '
            "is marked @external, it is a @key field of an extension type, which are not "
            "internally considered external for historical/backward compatibility reasons)"
        ],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_external_verdict(name: str) -> None:
    sdls, expected = CASES[name]
    result = compose_sdls(**sdls)
    errors = [e.message for e in result.errors] if isinstance(result, CompositionFailure) else []
    assert errors == expected
