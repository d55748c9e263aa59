"""MISSING_TRANSITIVE_AUTH_REQUIREMENTS: a ``@requires`` field must require at least what the
data it requires does (Apollo's rule). ``test_apollo_parity.py`` checks that Apollo's
composition gives the same verdicts on the same input."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.composition import CompositionFailure, CompositionSuccess

from .helpers import compose_sdls, fed2
from .test_cli import run, write_config

CODE = "MISSING_TRANSITIVE_AUTH_REQUIREMENTS"


def _graph(owner: str, requirer: str, extra: str = "") -> dict[str, str]:
    """``a`` owns P (its fields: ``owner``); ``b`` computes ``P.tax`` from what it requires
    (its fields: ``requirer``)."""
    return {
        "a": fed2(f'type Query {{ p: P }} type P @key(fields: "id") {{ id: ID! {owner} }} {extra}'),
        "b": fed2(f'type P @key(fields: "id") {{ id: ID! {requirer} }} {extra}'),
    }


SCOPED = 'price: Int @requiresScopes(scopes: [["finance", "read"], ["admin"]])'
TAX = 'tax: Int @requires(fields: "price")'
ADDRESS = "type Address @shareable { city: String zip: String }"

#: name -> (subgraph SDLs, the transitive data the error names; None: composes)
CASES: dict[str, tuple[dict[str, str], str | None]] = {
    "no-requirement-on-requirer": (
        _graph(SCOPED, f"price: Int @external {TAX}"),
        'field "P.price" data',
    ),
    "same-scopes": (
        _graph(
            SCOPED,
            f'price: Int @external {TAX} @requiresScopes(scopes: [["finance", "read"], ["admin"]])',
        ),
        None,
    ),
    "stricter-scopes-cover": (
        # every way to read tax (finance+read+audit, or admin+audit) meets one way to read price
        _graph(
            SCOPED,
            f"price: Int @external {TAX} "
            '@requiresScopes(scopes: [["finance", "read", "audit"], ["admin", "audit"]])',
        ),
        None,
    ),
    "weaker-scopes-do-not-cover": (
        # "finance" alone can read tax, but not price (which needs finance and read)
        _graph(SCOPED, f'price: Int @external {TAX} @requiresScopes(scopes: [["finance"]])'),
        'field "P.price" data',
    ),
    "one-alternative-missing": (
        # "admin" can read price but a client with only "other" can read tax
        _graph(
            SCOPED,
            f'price: Int @external {TAX} @requiresScopes(scopes: [["admin"], ["other"]])',
        ),
        'field "P.price" data',
    ),
    "authenticated-on-required-field": (
        _graph("price: Int @authenticated", f"price: Int @external {TAX}"),
        'field "P.price" data',
    ),
    "authenticated-on-requiring-type": (
        # the type's requirement counts for its fields
        {
            "a": fed2(
                'type Query { p: P } type P @key(fields: "id") @authenticated '
                "{ id: ID! price: Int @authenticated }"
            ),
            "b": fed2(
                f'type P @key(fields: "id") @authenticated {{ id: ID! price: Int @external {TAX} }}'
            ),
        },
        None,
    ),
    "policy-on-required-field": (
        _graph(
            'price: Int @policy(policies: [["pricing"]])',
            f'price: Int @external {TAX} @policy(policies: [["other"]])',
        ),
        'field "P.price" data',
    ),
    "policy-covered": (
        _graph(
            'price: Int @policy(policies: [["pricing"]])',
            f'price: Int @external {TAX} @policy(policies: [["pricing", "other"]])',
        ),
        None,
    ),
    "nested-field": (
        _graph(
            "address: Address",
            'address: Address @external ship: Int @requires(fields: "address { zip }")',
            "type Address @shareable { city: String zip: String @authenticated }",
        ),
        'field "Address.zip" data',
    ),
    "return-type-requirement": (
        # the required field returns a type that needs authentication
        _graph(
            "address: Address",
            'address: Address @external ship: Int @requires(fields: "address { zip }")',
            "type Address @shareable @authenticated { city: String zip: String }",
        ),
        'field "P.address" data',
    ),
    "nested-covered": (
        _graph(
            "address: Address",
            'address: Address @external ship: Int @requires(fields: "address { zip }") '
            "@authenticated",
            "type Address @shareable @authenticated { city: String zip: String @authenticated }",
        ),
        None,
    ),
    "no-auth-anywhere": (_graph("price: Int", f"price: Int @external {TAX}"), None),
    "inline-fragment-type-condition": (
        # on a union (an interface already carries what its implementations require)
        _graph(
            "item: Item",
            'item: Item @external ship: Int @requires(fields: "item { ... on Book { id } }")',
            "union Item = Book | Pen type Book @shareable @authenticated { id: ID! } "
            "type Pen @shareable { id: ID! }",
        ),
        'data in inline fragment type condition "Book"',
    ),
    "inline-fragment-covered": (
        _graph(
            "item: Item",
            'item: Item @external ship: Int @requires(fields: "item { ... on Book { id } }") '
            "@authenticated",
            "union Item = Book | Pen type Book @shareable @authenticated { id: ID! } "
            "type Pen @shareable { id: ID! }",
        ),
        None,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_transitive_auth_verdict(name: str) -> None:
    sdls, transitive = CASES[name]
    result = compose_sdls(**sdls)
    if transitive is None:
        assert isinstance(result, CompositionSuccess), result
        return
    assert isinstance(result, CompositionFailure)
    [error] = result.errors
    assert error.code == CODE
    assert error.subgraphs == ("b",)
    assert f"the transitive {transitive} from @requires selection set" in error.message
    assert error.locations and error.locations[0].file == "b.graphql"


def test_fedgate_compose_refuses_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sdls, _ = CASES["no-requirement-on-requirer"]
    config = write_config(tmp_path, **sdls)
    assert run("compose", "--config", str(config)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # no supergraph printed
    assert f'error[{CODE}]: [b] Field "P.tax" does not specify' in captured.err
    assert f"--> {tmp_path}/b.graphql:" in captured.err
    sdls, _ = CASES["same-scopes"]
    assert run("compose", "--config", str(write_config(tmp_path, **sdls))) == 0
    assert "@requiresScopes" in capsys.readouterr().out
