"""The compiled build's loops (``shape_walk.py``, ``rep_walk.py``) against the generated
code they replace there (``shape_codegen.py``, ``rep_codegen.py``), on whichever build runs.

Each build uses one of the two (``shape_choice``/``rep_choice``: the walkers where their
modules are compiled): the shaping and entity tests imported below run here a second time
with the other one, and the differential tests compare both directly on data that breaks
the schema in every way shaping checks (wrong scalars, enums, objects, lists, nulls).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import GraphQLObjectType, OperationDefinitionNode, build_schema, parse

from gateway.execution import rep_choice, shape_choice
from gateway.execution.rep_walk import FlatFill, flat_fill
from gateway.execution.representations import RepBuilder, collect_values
from gateway.execution.shape import shape_response
from gateway.execution.shape_compile import ShapeCompiler
from gateway.execution.shape_fast import Fallback
from gateway.execution.shape_walk import Walker
from gateway.planner.operation import TYPENAME_ALIAS
from gateway.planner.plan import ReqField, ReqFragment, ValueSetter

from . import (
    test_entities,
    test_leaf_coercion,
    test_partial_unions_exec,
    test_plan_shapes_exec,
    test_requires_fragments_exec,
    test_shaping,
    test_shaping_reference,
    test_unsatisfiable_exec,
)
from . import test_exec_codegen as codegen

pytestmark = pytest.mark.anyio

# the suites run again here with the other loops (the autouse fixture below)
_SUITES = (
    test_entities,
    test_leaf_coercion,
    test_partial_unions_exec,
    test_plan_shapes_exec,
    test_requires_fragments_exec,
    test_shaping,
    test_shaping_reference,
    test_unsatisfiable_exec,
)
for _suite in _SUITES:
    globals().update({k: v for k, v in vars(_suite).items() if k.startswith("test_")})


@pytest.fixture(autouse=True)
def other_loops() -> Iterator[None]:
    """The loops this build does not use by default, for the test's plans."""
    shaping, reps = shape_choice.walking(), rep_choice.walking()
    shape_choice._walking, rep_choice._walking = not shaping, not reps
    try:
        yield
    finally:
        shape_choice._walking, rep_choice._walking = shaping, reps


def test_the_other_loops_are_in_use() -> None:
    shape = ShapeCompiler(SHAPE_SCHEMA, {}, {}).root(_query_type(), _selection("{ a }"))
    assert isinstance(shape.fn, Walker) != _default_walking()


# --- shaping: the walker and the generated functions on the same data -----------------

SHAPE_SCHEMA = build_schema(
    """
    type Query { a: Int me: User! users: [User] items: [Item!] node: Node things: [Thing] }
    interface Node { id: ID! }
    union Thing = User | Post
    enum Role { ADMIN USER }
    type User implements Node {
      id: ID! name: String! nick: String age: Int score: Float ok: Boolean role: Role
      roles: [Role!] friends: [User!]! best: User tags: [String] raw: JSON kind: String
    }
    type Post implements Node { id: ID! title: String author: User! }
    type Item { n: Int! user: User }
    scalar JSON
    """
)
SHAPE_QUERIES = [
    "{ a me { id name nick age score ok role roles tags raw t: __typename } }",
    "{ users { id name friends { id name best { nick } } best { __typename id } } }",
    "{ items { n user { name age } } a }",
    "{ node { __typename id ... on User { name } ... on Post { title author { id } } } }",
    "{ things { __typename ... on User { nick roles } ... on Post { title } } }",
    "{ me { kind: name __typename: id } }",  # a field aliased __typename
]
_VALUES: list[Any] = [
    None,
    "s",
    "",
    1,
    -(2**31),
    2**31,
    2.0,
    2.5,
    True,
    False,
    [],
    ["x"],
    {},
    "ADMIN",
    "NOPE",
]


_GOOD: dict[str, Any] = {
    "id": "1", "name": "n", "nick": "k", "age": 3, "score": 1.5, "ok": True, "role": "USER",
    "raw": {"a": [1]}, "title": "t", "kind": "k", TYPENAME_ALIAS: "2",
}  # fmt: skip


def _random_user(rng: random.Random, depth: int) -> Any:
    if rng.random() < 0.1:
        return rng.choice(_VALUES)
    user: dict[str, Any] = {"__typename": rng.choice(["User", "User", "Post", "Gone", None])}
    for name, good in _GOOD.items():
        if rng.random() < 0.9:
            user[name] = good if rng.random() < 0.7 else rng.choice(_VALUES)
    user["roles"] = rng.choice([None, ["ADMIN", "USER"], ["ADMIN", None], ["X"], "ADMIN"])
    user["tags"] = rng.choice([None, ["a", None], [1, "b"], "a"])
    if depth:
        user["friends"] = [_random_user(rng, depth - 1) for _ in range(rng.randrange(3))]
        user["best"] = _random_user(rng, depth - 1)
        user["author"] = _random_user(rng, depth - 1)
    return user


def _random_data(rng: random.Random) -> dict[str, Any]:
    users = [_random_user(rng, 2) for _ in range(rng.randrange(4))]
    return {
        "a": rng.choice(_VALUES),
        "me": _random_user(rng, 2),
        "users": rng.choice([users, None, "x", [None, *users]]),
        "items": [{"n": rng.choice([1, None, "1"]), "user": _random_user(rng, 1)}, None],
        "node": _random_user(rng, 1),
        "things": [_random_user(rng, 1) for _ in range(3)],
    }


def _shape(
    query: str, data: dict[str, Any], walking: bool, fast: bool = False
) -> tuple[Any, Any, Any]:
    """``fast``: no error before shaping, so the fast functions (the generated ones, or the
    walker's fast walk) are tried first, and where they give up the path-aware ones run."""
    shape_choice._walking = walking
    root = ShapeCompiler(SHAPE_SCHEMA, {}, {}).root(_query_type(), _selection(query))
    errors: list[dict[str, Any]] = [] if fast else [{"message": "x", "path": ["users", 1]}]
    notes: list[dict[str, Any]] = []
    shaped = shape_response(root, data, errors, notes)
    return shaped, errors, notes


@pytest.mark.parametrize("query", SHAPE_QUERIES)
def test_the_walker_shapes_as_the_generated_functions(query: str) -> None:
    rng = random.Random(query)
    for _ in range(300):
        data = _random_data(rng)
        assert _shape(query, data, True) == _shape(query, data, False)


@pytest.mark.parametrize("query", SHAPE_QUERIES)
def test_the_fast_walk_shapes_as_the_fast_functions(query: str) -> None:
    rng = random.Random("fast " + query)
    for _ in range(300):
        data = _random_data(rng)
        assert _shape(query, data, True, fast=True) == _shape(query, data, False, fast=True)


def test_the_fast_walk_gives_up_where_the_walk_writes_a_note() -> None:
    shape_choice._walking = True
    query = "{ me { id age role friends { name } } }"
    root = ShapeCompiler(SHAPE_SCHEMA, {}, {}).root(_query_type(), _selection(query))
    fast = root.fast
    assert fast is not None
    good = {"me": {"id": "1", "age": 3, "role": "USER", "friends": [{"name": "n"}]}}
    assert fast(good) == good
    wrongs = ({"age": "3"}, {"role": "NOPE"}, {"friends": [1]}, {"friends": [None]}, {"id": None})
    for wrong in wrongs:
        with pytest.raises(Fallback):
            fast({"me": {**good["me"], **wrong}})
    notes: list[dict[str, Any]] = []
    shaped = shape_response(root, {"me": {**good["me"], "age": "3"}}, [], notes)
    assert shaped == {"me": {**good["me"], "age": None}}
    assert [n["path"] for n in notes] == [["me", "age"]]


def test_the_walker_keeps_field_order_and_aliases() -> None:
    data = {"me": {"__typename": "User", "n": "n", "id": "1", "age": 3, "raw": {"x": [1]}}}
    query = "{ me { raw age t: __typename n: name id } }"
    shaped, _, notes = _shape(query, data, True)
    assert shaped == {"me": {"raw": {"x": [1]}, "age": 3, "t": "User", "n": "n", "id": "1"}}
    assert list(shaped["me"]) == ["raw", "age", "t", "n", "id"] and notes == []


def _query_type() -> GraphQLObjectType:
    assert SHAPE_SCHEMA.query_type is not None
    return SHAPE_SCHEMA.query_type


def _selection(query: str) -> Any:
    op = parse(query).definitions[0]
    assert isinstance(op, OperationDefinitionNode)
    return op.selection_set


def _default_walking() -> bool:
    from gateway.execution import shape_walk

    return not shape_walk.__file__.endswith(".py")


# --- representations: the compiled loop and the generic per-object step -----------------


def _walked(builder: RepBuilder, rewrites: Any, values: list[Any]) -> tuple[Any, ...]:
    fill = flat_fill(builder, rewrites, codegen.M)
    assert isinstance(fill, FlatFill)
    reps: list[Any] = []
    typenames: list[Any] = []
    owners: list[Any] = []
    fill(collect_values({"x": values}, ("x",), codegen.M), reps, typenames, owners, {}, {}, {})
    return reps, typenames, owners


@pytest.mark.parametrize("requires", codegen.SELECTIONS)
@pytest.mark.parametrize("rewrites", [(), (ValueSetter(("... on User", "__typename"), "Node"),)])
def test_the_compiled_loop_equals_the_generic_step(requires: Any, rewrites: Any) -> None:
    builder = RepBuilder(requires, codegen.SCHEMA, codegen.M)
    expected = codegen.generic(builder, rewrites, codegen.OBJECTS)
    got = _walked(builder, rewrites, codegen.OBJECTS)
    assert got == expected
    for mine, theirs in zip(got[2], expected[2], strict=True):
        assert [id(o) for o in mine] == [id(o) for o in theirs]


def test_other_selections_have_no_compiled_loop() -> None:
    two_types = (
        ReqFragment("User", (ReqField("__typename", "__typename"), ReqField("id", "id"))),
        ReqFragment("Post", (ReqField("__typename", "__typename"), ReqField("id", "id"))),
    )
    builder = RepBuilder(two_types, codegen.SCHEMA, codegen.M)
    assert flat_fill(builder, (), codegen.M) is None
