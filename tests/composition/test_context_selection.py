"""The selection of a @fromContext argument, checked as Apollo's composition checks it.

The messages are Apollo's for the same input (``test_apollo_parity.py`` checks the codes).
"""

from __future__ import annotations

import pytest

from gateway.composition import CompositionFailure

from .helpers import compose_sdls, fed2

#: A context on an interface (``Seller``), on an object (``Store``) and on a union.
ON_INTERFACE = (
    'type Query {{ sellers: [Seller!]! }} interface Seller @context(name: "seller") {{ id: ID! '
    'listing: Listing! }} type Store implements Seller @key(fields: "id") {{ id: ID! '
    'currency: String listing: Listing! }} type Person implements Seller @key(fields: "id") {{ '
    'id: ID! homeCurrency: {home} listing: Listing! }} type Other @key(fields: "id") {{ id: ID! '
    'x: String }} type Listing @key(fields: "id") {{ id: ID! '
    'price(currency: {arg} @fromContext(field: "{field}")): String }}'
)
ON_OBJECT = (
    'type Query {{ stores: [Store!]! }} type Store @key(fields: "id") @context(name: "seller") '
    "{{ id: ID! currency: String tags: [String!]! listing: Listing! owner: Owner }} "
    "type Owner {{ id: ID! name: String alias: String }} "
    'type Person @key(fields: "id") {{ id: ID! '
    'homeCurrency: String }} type Listing @key(fields: "id") {{ id: ID! '
    'price(currency: {arg} @fromContext(field: "{field}")): String }}'
)
ON_UNION = (
    'type Query {{ sellers: [Seller!]! }} union Seller @context(name: "seller") = Store | Person '
    'type Store @key(fields: "id") {{ id: ID! currency: String listing: Listing! }} '
    'type Person @key(fields: "id") {{ id: ID! homeCurrency: String listing: Listing! }} '
    'type Listing @key(fields: "id") {{ id: ID! '
    'price(currency: {arg} @fromContext(field: "{field}")): String }}'
)
BOTH = "$seller ... on Store { currency } ... on Person { homeCurrency }"
PREFIX = '[a] Context "seller" is used in "Listing.price(currency:)" but the selection is invalid'


def _iface(field: str, arg: str = "String", home: str = "String") -> str:
    return ON_INTERFACE.format(home=home, arg=arg, field=field)


#: name -> (SDL of subgraph "a", the ends of the expected messages after PREFIX)
CASES: dict[str, tuple[str, list[str]]] = {
    "interface-conditions": (_iface(BOTH), []),
    "interface-one-condition": (_iface("$seller ... on Store { currency }"), []),
    "interface-field": (_iface("$seller { id }", arg="ID"), []),
    "interface-unused-condition": (
        _iface(BOTH + " ... on Other { x }"),
        [': type condition "Other" is never used.'],
    ),
    "interface-condition-type-mismatch": (
        _iface(BOTH, home="Int"),
        [': the type of the selection "Int" does not match the expected type "String"'],
    ),
    "non-null-argument": (
        _iface("$seller { id }", arg="ID!"),
        [': the type of the selection "ID" does not match the expected type "ID!"'],
    ),
    "interface-condition": (
        _iface("$seller ... on Seller { id }"),
        [
            ': type conditions must be an object type"',
            ': no type condition matches the location "Seller"',
        ],
    ),
    "union-conditions": (ON_UNION.format(arg="String", field=BOTH), []),
    "union-typename": (ON_UNION.format(arg="String", field="$seller { __typename }"), []),
    "two-fields": (
        ON_OBJECT.format(arg="String", field="$seller { id currency }"),
        [": multiple selections are made"],
    ),
    "no-matching-condition": (
        ON_OBJECT.format(arg="String", field="$seller ... on Person { homeCurrency }"),
        [': no type condition matches the location "Store"'],
    ),
    "same-condition-twice": (
        ON_OBJECT.format(
            arg="String", field="$seller ... on Store { currency } ... on Store { id }"
        ),
        [": type conditions have same name"],
    ),
    "alias": (
        ON_OBJECT.format(arg="String", field="$seller { c: currency }"),
        [": aliases are not allowed in the selection"],
    ),
    "nested-field": (ON_OBJECT.format(arg="ID", field="$seller { listing { id } }"), []),
    "nested-fields-of-one-type": (
        ON_OBJECT.format(arg="String", field="$seller { owner { name alias } }"),
        [],
    ),
    "nested-fields-of-two-types": (
        ON_OBJECT.format(arg="String", field="$seller { owner { id name } }"),
        [': the type of the selection "undefined" does not match the expected type "String"'],
    ),
    "list": (ON_OBJECT.format(arg="[String]", field="$seller { tags }"), []),
    "list-of-non-null-argument": (
        ON_OBJECT.format(arg="[String!]", field="$seller { tags }"),
        [': the type of the selection "[String]" does not match the expected type "[String!]"'],
    ),
    "fragment-without-condition": (
        ON_OBJECT.format(arg="String", field="$seller ... { currency }"),
        [": type conditions have same name"],
    ),
    "directive": (
        ON_OBJECT.format(arg="String", field="$seller { currency @skip(if: true) }"),
        [": directives are not allowed in the selection"],
    ),
    "fragment-spread": (
        ON_OBJECT.format(arg="String", field="$seller ...F"),
        [": fragment spread is not allowed"],
    ),
    "empty-selection-set": (
        ON_OBJECT.format(arg="String", field="$seller { }"),
        [': Syntax Error: Expected Name, found "}".'],
    ),
    "unknown-field": (
        ON_OBJECT.format(arg="String", field="$seller { nope }"),
        [' for type Store. Error: Cannot query field "nope" on type "Store".'],
    ),
}


def sdl(name: str) -> str:
    return fed2(CASES[name][0])


@pytest.mark.parametrize("name", CASES)
def test_context_selection(name: str) -> None:
    result = compose_sdls(a=sdl(name))
    errors = [e.message for e in result.errors] if isinstance(result, CompositionFailure) else []
    assert errors == [PREFIX + end for end in CASES[name][1]]
    assert all(e.code == "CONTEXT_INVALID_SELECTION" for e in getattr(result, "errors", ()))
