"""Representation building, object collection, rewrites and merging as pure functions."""

from __future__ import annotations

from typing import Any

from graphql import build_schema

from gateway.execution.merge import deep_merge
from gateway.execution.representations import (
    RepBuilder,
    apply_output_rewrites,
    apply_value_setters,
    collect_objects,
)
from gateway.execution.typematch import TypeMatcher
from gateway.planner.plan import KeyRenamer, ReqField, ReqFragment, ValueSetter

SCHEMA = build_schema(
    """
    type Query { a: Int }
    interface Node { id: ID! }
    type User implements Node { id: ID! name: String address: Address tags: [Tag!] }
    type Post implements Node { id: ID! }
    type Address { city: String! zip: String }
    type Tag { id: ID! }
    """
)
M = TypeMatcher(SCHEMA)


def f(name: str, *sub: Any, key: str | None = None) -> ReqField:
    return ReqField(name, key or name, tuple(sub))


def user_key(*fields: ReqField) -> tuple[ReqFragment, ...]:
    return (ReqFragment("User", (f("__typename"), f("id"), *fields)),)


def test_flat_key() -> None:
    b = RepBuilder(user_key(), SCHEMA, M)
    assert b.build({"__typename": "User", "id": "1", "name": "x"}) == {
        "__typename": "User",
        "id": "1",
    }
    assert b.build({"__typename": "Post", "id": "1"}) is None
    assert b.build({"__typename": "User", "id": None}) is None
    assert b.build({"__typename": "User"}) is None


def test_nullable_required_field_may_be_null_or_missing() -> None:
    b = RepBuilder(user_key(f("name")), SCHEMA, M)
    assert b.build({"__typename": "User", "id": "1", "name": None}) == {
        "__typename": "User",
        "id": "1",
        "name": None,
    }
    # missing: the selection that fetched it was skipped (@skip/@include), while another
    # selection served by the same entity fetch still needs the call (Apollo and Hive send it)
    assert b.build({"__typename": "User", "id": "1"}) == {"__typename": "User", "id": "1"}


def test_nested_and_list_selections_with_aliases() -> None:
    requires = user_key(
        f("address", f("city"), f("zip"), key="addr"),
        f("tags", f("id")),
    )
    b = RepBuilder(requires, SCHEMA, M)
    obj = {
        "__typename": "User",
        "id": "1",
        "addr": {"city": "Paris", "zip": None, "extra": 1},
        "tags": [{"id": "t1"}, None, {"id": "t2", "x": 2}],
    }
    assert b.build(obj) == {
        "__typename": "User",
        "id": "1",
        "address": {"city": "Paris", "zip": None},
        "tags": [{"id": "t1"}, None, {"id": "t2"}],
    }
    # city is non-null: a null city means the object is broken, no representation.
    broken = {**obj, "addr": {"city": None, "zip": "1"}}
    assert b.build(broken) is None


def test_fragment_on_interface_matches_implementations() -> None:
    requires = (ReqFragment("Node", (f("__typename"), f("id"))),)
    b = RepBuilder(requires, SCHEMA, M)
    assert b.build({"__typename": "Post", "id": "p"}) == {"__typename": "Post", "id": "p"}
    assert b.build({"__typename": "Address", "id": "p"}) is None


def test_collect_objects_paths_skip_nulls_and_filter_types() -> None:
    data = {
        "a": [
            {"b": {"__typename": "User", "id": 1}},
            None,
            {"b": None},
            {"b": [{"__typename": "Post", "id": 2}, {"__typename": "User", "id": 3}]},
        ]
    }
    found = collect_objects(data, ("a", "@", "b"), M)
    assert [(o["id"], at) for o, at in found] == [
        (1, ("a", 0, "b")),
        (2, ("a", 3, "b", 0)),
        (3, ("a", 3, "b", 1)),
    ]
    users = collect_objects(data, ("a", "@", "b", "... on User"), M)
    assert [o["id"] for o, _ in users] == [1]


def test_value_setter_only_on_matching_types() -> None:
    reps = [{"__typename": "User", "id": "1"}, {"__typename": "Post", "id": "2"}]
    apply_value_setters(reps, (ValueSetter(("... on User", "__typename"), "Node"),), M)
    assert reps == [{"__typename": "Node", "id": "1"}, {"__typename": "Post", "id": "2"}]


def test_key_renamer_nested_and_with_typename_fallback() -> None:
    entity: dict[str, Any] = {"posts": [{"__typename": "Post", "t_0": "a"}, {"t_0": "b"}]}
    rewrites = (KeyRenamer(("... on User", "posts", "... on Post", "t_0"), "title"),)
    apply_output_rewrites(entity, rewrites, M, typename="User")
    # The second post has no __typename and is not at the top: it is not renamed.
    assert entity == {"posts": [{"__typename": "Post", "title": "a"}, {"t_0": "b"}]}


def test_deep_merge_objects_and_lists() -> None:
    target: dict[str, Any] = {"a": {"x": 1}, "l": [{"p": 1}, {"p": 2}], "s": 1, "n": None}
    deep_merge(target, {"a": {"y": 2}, "l": [{"q": 1}, {"q": 2}], "s": 2, "n": {"z": 1}})
    assert target == {
        "a": {"x": 1, "y": 2},
        "l": [{"p": 1, "q": 1}, {"p": 2, "q": 2}],
        "s": 2,
        "n": {"z": 1},
    }
