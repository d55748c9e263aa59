"""The generated per-fetch code (rep_codegen.py) against the generic per-object step it
replaces, and which walked paths a merge forgets (walked.py)."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_schema, parse
from graphql.language import OperationDefinitionNode

from gateway.execution.rep_codegen import dedupe_key, filler, generate, one
from gateway.execution.representations import RepBuilder, collect_object_list, collect_values
from gateway.execution.typematch import TypeMatcher
from gateway.execution.walked import Known, forget, prefix_key, written_keys
from gateway.planner.plan import Fetch, KeyRenamer, ReqField, ReqFragment, ValueSetter

SCHEMA = build_schema(
    """
    type Query { a: Int }
    interface Node { id: ID! }
    type User implements Node { id: ID! name: String org: String! }
    type Post implements Node { id: ID! }
    """
)
M = TypeMatcher(SCHEMA)


def f(name: str, key: str | None = None) -> ReqField:
    return ReqField(name, key or name)


OBJECTS: list[Any] = [
    {"__typename": "User", "id": "1", "name": "a", "org": "o"},
    {"__typename": "User", "id": "1", "name": "a", "org": "o"},  # same rep: one owner more
    {"__typename": "User", "id": "2", "name": None, "org": "o"},  # nullable null: kept
    {"__typename": "User", "id": "3", "org": "o"},  # name missing: left out (skipped selection)
    {"__typename": "User", "id": None, "name": "x", "org": "o"},  # null key: no rep
    {"__typename": "User", "id": None, "name": "x", "org": "o"},
    {"__typename": "User", "id": "4", "name": "n", "org": None},  # non-null null: no rep
    {"__typename": "User", "id": ["un", "hashable"], "name": "n", "org": "o"},
    {"__typename": "User", "id": ["un", "hashable"], "name": "n", "org": "o"},
    {"__typename": "Post", "id": "1"},  # another type: no fragment matches
    {"id": "1", "name": "a", "org": "o"},  # no __typename
    [{"__typename": "User", "id": "5", "name": "b", "org": "o"}, None, [OBJECTS_INNER := {}]],
    None,
    7,
    {"__typename": "User", "id": "5", "name": "b", "org": "o"},  # equal to one in a list
    {"__typename": "User", "id": 1, "name": "a", "org": "o"},  # an int id
]
OBJECTS_INNER.update({"__typename": "User", "id": "6", "name": "c", "org": "o"})


def generic(builder: RepBuilder, rewrites: Any, values: list[Any]) -> tuple[Any, ...]:
    reps: list[Any] = []
    typenames: list[Any] = []
    owners: list[Any] = []
    index: dict[Any, int] = {}
    other: dict[Any, Any] = {}
    for obj in collect_object_list({"x": values}, ("x",), M):
        one(builder, rewrites, M, obj, reps, typenames, owners, index, other)
    return reps, typenames, owners


def generated(builder: RepBuilder, rewrites: Any, values: list[Any]) -> tuple[Any, ...]:
    fill = generate(builder, rewrites, M)
    assert fill is not None
    reps: list[Any] = []
    typenames: list[Any] = []
    owners: list[Any] = []
    fill(collect_values({"x": values}, ("x",), M), reps, typenames, owners, {}, {}, {})
    return reps, typenames, owners


SELECTIONS = [
    (ReqFragment("User", (f("__typename"), f("id"), f("name"), f("org"))),),
    (ReqFragment("User", (f("__typename"), f("id"))),),
    (ReqFragment("User", (f("id"),)),),  # no __typename: typenames are None
    (ReqFragment("User", (f("__typename"),)),),  # names no entity: no rep at all
    (ReqFragment("User", (f("__typename"), f("id"), f("id", "name"))),),  # a name repeated
    (ReqFragment("Node", (f("__typename"), f("id"))),),  # an interface condition
]


@pytest.mark.parametrize("requires", SELECTIONS)
@pytest.mark.parametrize("rewrites", [(), (ValueSetter(("... on User", "__typename"), "Node"),)])
def test_generated_loop_equals_the_generic_step(requires: Any, rewrites: Any) -> None:
    builder = RepBuilder(requires, SCHEMA, M)
    assert builder.single_fields is not None
    expected = generic(builder, rewrites, OBJECTS)
    got = generated(builder, rewrites, OBJECTS)
    assert got == expected
    # every selection but the one naming no entity finds representations, some shared
    assert len(got[0]) > 3 or requires == SELECTIONS[3]
    assert requires == SELECTIONS[3] or any(len(o) > 1 for o in got[2])
    # the owners are the very objects of the tree, in the same order
    for mine, theirs in zip(got[2], expected[2], strict=True):
        assert [id(o) for o in mine] == [id(o) for o in theirs]
    assert [dedupe_key(r) for r in got[0]] == [dedupe_key(r) for r in expected[0]]


def test_other_selections_take_the_generic_loop() -> None:
    two_types = (
        ReqFragment("User", (f("__typename"), f("id"))),
        ReqFragment("Post", (f("__typename"), f("id"))),
    )
    builder = RepBuilder(two_types, SCHEMA, M)
    assert generate(builder, (), M) is None
    fill = filler(builder, (), M)
    reps: list[Any] = []
    typenames: list[Any] = []
    owners: list[Any] = []
    fill(collect_values({"x": OBJECTS}, ("x",), M), reps, typenames, owners, {}, {}, {})
    assert (reps, typenames, owners) == generic(builder, (), OBJECTS)
    assert {"__typename": "Post", "id": "1"} in reps and len(reps) > 4


def test_names_go_into_the_source_as_literals() -> None:
    odd = "x'); import os; ('"
    requires = (ReqFragment("User", (f("__typename"), ReqField(odd, odd))),)
    objects = [{"__typename": "User", odd: 1}, {"__typename": "User", odd: 1}]
    reps, _, owners = generated(RepBuilder(requires, SCHEMA, M), (), objects)
    assert reps == [{"__typename": "User", odd: 1}] and len(owners[0]) == 2


def _operation(text: str) -> OperationDefinitionNode:
    definition = parse(text).definitions[0]
    assert isinstance(definition, OperationDefinitionNode)
    return definition


def test_written_keys() -> None:
    fetch = Fetch("s", "q", output_rewrites=(KeyRenamer(("a",), "b"),))
    op = _operation(
        "query($representations:[_Any!]!){_entities(representations:$representations)"
        "{... on User{name x: org ... on User {id}}}}"
    )
    assert written_keys(fetch, op) == {"name", "x", "id", "b"}
    spread = _operation("query{_entities(representations:[]){...F}}")
    assert written_keys(fetch, spread) is None
    assert written_keys(fetch, _operation("query{other}")) is None


WALKS = [
    ("users",),
    ("users", "@"),
    ("users", "@", "reviews"),
    ("users", "@", "reviews", "@"),
    ("users", "@", "reviews", "@", "product"),
    ("users", "@", "name"),
    ("users", "@", "... on User"),
    ("top",),
    ("top", "@", "reviews"),
]


def test_forget_drops_only_the_walks_a_merge_changes() -> None:
    memo: dict[str, list[Any]] = {prefix_key(key): [] for key in WALKS}
    k = prefix_key
    # a merge into the users writing name and email
    forget(memo, ("users",), Known(frozenset({"name", "email"})))
    assert k(("users", "@", "name")) not in memo
    assert k(("users", "@", "reviews", "@", "product")) in memo and k(("users", "@")) in memo
    assert k(("users", "@", "... on User")) in memo  # __typename not written
    forget(memo, ("users",), Known(frozenset({"__typename"})))
    assert k(("users", "@", "... on User")) not in memo
    forget(memo, ("users",), Known(frozenset({"reviews"})))
    assert [key for key in memo if key.startswith("users")] == ["users", "users/@"]
    forget(memo, ("top",), Known(None))  # unknown selection: everything below the objects
    assert k(("top", "@", "reviews")) not in memo and k(("top",)) in memo


def test_forget_remembers_its_answers_across_requests() -> None:
    """A fetch's ``Known`` answers the prefixes it decided before, and decides new ones: the
    same walks are dropped as by a fetch asking for the first time."""
    written = frozenset({"reviews", "__typename"})
    known = Known(written)
    for walks in (WALKS, [*WALKS, ("users", "@", "reviews", "@", "id"), ("users", "@", "id")]):
        memo: dict[str, list[Any]] = {prefix_key(key): [] for key in walks}
        fresh = dict(memo)
        forget(memo, ("users", "@"), known)
        forget(fresh, ("users", "@"), Known(written))
        assert list(memo) == list(fresh)
        assert ("users", "@", "id") not in walks or "users/@/id" in memo
        assert "users/@/reviews/@/id" not in memo


def test_forget_at_another_path_decides_again() -> None:
    """The answers are for one merge path: a fetch merged at another path (an equal path is
    another tuple) does not reuse them."""
    known = Known(frozenset({"reviews"}))
    for path in (("users", "@"), tuple(["users", "@"]), ("top", "@"), ("users", "@")):
        memo: dict[str, list[Any]] = {prefix_key(key): [] for key in WALKS}
        fresh = dict(memo)
        forget(memo, path, known)
        forget(fresh, path, Known(frozenset({"reviews"})))
        assert list(memo) == list(fresh)
        for root in ("users", "top"):  # only the merged objects' reviews are walked again
            assert (prefix_key((root, "@", "reviews")) in memo) is (root != path[0])
