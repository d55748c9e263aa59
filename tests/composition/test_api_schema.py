"""The API schema of a supergraph: what `fedgate check --against` compares."""

from __future__ import annotations

from gateway.composition.api_schema import print_api_schema

from .helpers import FIXTURES, fed2, supergraph


def test_inaccessible_elements_and_machinery_are_removed() -> None:
    sdl = (FIXTURES / "inaccessible" / "expected.supergraph.graphql").read_text()
    assert print_api_schema(sdl) == "type Query {\n  a: Int\n  c: Int\n}"


def test_descriptions_deprecations_and_specified_by_are_kept() -> None:
    sdl = supergraph(
        a=fed2(
            '"Root" type Query { "old" a(x: Int @tag(name: "t")): E @deprecated(reason: "no") '
            "b: S @authenticated } "
            'enum E { X @inaccessible Y } scalar S @specifiedBy(url: "https://s")'
        )
    )
    assert print_api_schema(sdl) == (
        "enum E {\n  Y\n}\n\n"
        '"""Root"""\ntype Query {\n  """old"""\n  a(x: Int): E @deprecated(reason: "no")\n'
        "  b: S\n}\n\n"
        'scalar S @specifiedBy(url: "https://s")'
    )
