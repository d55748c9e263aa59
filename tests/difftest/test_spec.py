"""The recognised reference deviations (spec.py): counted only where the spec decides."""

from __future__ import annotations

from graphql import build_schema

from .compare import Outcome
from .spec import interface_objects, recognised

SCHEMA = build_schema(
    """
    type Query { categories: [Category!]! account: Account item: Item }
    union SearchResult = Category | Item
    type Category { id: ID! name: String }
    type Item { id: ID! }
    interface Account { id: ID! }
    type Personal implements Account { id: ID! greeting: String }
    """
)
NESTED = "{ categories { ... on SearchResult { ... on Category { name } } } }"


def test_fragment_on_the_union_around_an_applying_fragment_is_recognised() -> None:
    fedgate = Outcome({"categories": [{"name": "a"}, {"name": "b"}]}, False)
    refs = Outcome({"categories": [{}, {}]}, False)
    assert recognised(SCHEMA, frozenset(), NESTED, fedgate, refs)


def test_other_differences_stay_odd() -> None:
    refs = Outcome({"categories": [{}, {}]}, False)
    # another difference beside the deviation
    assert not recognised(SCHEMA, frozenset(), NESTED, Outcome({"categories": [{}]}, False), refs)
    # errors differ
    assert not recognised(
        SCHEMA, frozenset(), NESTED, Outcome({"categories": [{}, {}]}, True), refs
    )
    # no fragment on an abstract type there: {} against fields is fedgate's problem
    plain = "{ categories { ... on Category { name } } }"
    fedgate = Outcome({"categories": [{"name": "a"}, {"name": "b"}]}, False)
    assert not recognised(SCHEMA, frozenset(), plain, fedgate, refs)


def test_interface_object_type_condition_is_recognised_only_for_interface_objects() -> None:
    text = "{ account { ... on Personal { greeting } } }"
    fedgate = Outcome({"account": {"greeting": "hi"}}, False)
    refs = Outcome({"account": {}}, False)
    assert recognised(SCHEMA, frozenset({"Account"}), text, fedgate, refs)
    assert not recognised(SCHEMA, frozenset(), text, fedgate, refs)


def test_interface_objects_read_from_the_supergraph() -> None:
    sdl = (
        'interface Account\n  @join__type(graph: A, key: "id")\n'
        '  @join__type(graph: B, key: "id", isInterfaceObject: true)\n{\n  id: ID!\n}\n'
        "interface Node\n  @join__type(graph: A)\n{\n  id: ID!\n}\n"
    )
    assert interface_objects(sdl) == frozenset({"Account"})


def test_named_fragment_on_the_union_is_recognised() -> None:
    text = "{ categories { ...F } } fragment F on SearchResult { ... on Category { name } }"
    fedgate = Outcome({"categories": [{"name": "a"}]}, False)
    assert recognised(SCHEMA, frozenset(), text, fedgate, Outcome({"categories": [{}]}, False))


def test_fields_dropped_beside_fields_kept_are_recognised() -> None:
    text = "{ categories { ... on SearchResult { ... on Category { name } } id } }"
    fedgate = Outcome({"categories": [{"name": "a", "id": "1"}]}, False)
    refs = Outcome({"categories": [{"id": "1"}]}, False)
    assert recognised(SCHEMA, frozenset(), text, fedgate, refs)
    # a field selected outside that type condition is no dropped field
    plain = "{ categories { ... on Category { name } id } }"
    assert not recognised(SCHEMA, frozenset(), plain, fedgate, refs)
    # and the fields both answer must still agree
    other = Outcome({"categories": [{"name": "a", "id": "2"}]}, False)
    assert not recognised(SCHEMA, frozenset(), text, other, refs)


def test_references_failing_on_literally_excluded_root_fields_are_recognised() -> None:
    refs = Outcome(None, True)
    empty = Outcome({}, False)
    skipped = "{ item @include(if: false) { id } ... @skip(if: true) { account { id } } }"
    assert recognised(SCHEMA, frozenset(), skipped, empty, refs)
    # a root field left in: the references' error may be fedgate's miss
    assert not recognised(
        SCHEMA, frozenset(), "{ item @include(if: false) { id } a: item { id } }", empty, refs
    )
    # a condition on a variable is no literal
    on_var = "query($v: Boolean!) { item @include(if: $v) { id } }"
    assert not recognised(SCHEMA, frozenset(), on_var, empty, refs)
    # fedgate answering data there is no {}
    assert not recognised(SCHEMA, frozenset(), skipped, Outcome({"item": None}, False), refs)
