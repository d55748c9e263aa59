"""@fromContext executed against in-process subgraphs: each field gets the value of its own
nearest context ancestor, objects with different values are never sent in one ``_entities``
call, a null context field passes null; tree and batch plans answer the same."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from graphql import GraphQLInterfaceType

from gateway.config import GatewayConfig
from gateway.pipeline import Gateway
from gateway.transport.local import GraphQLCoreApp, LocalClient
from tests.planner import context_graphs as g
from tests.planner.harness import supergraph

from .exec_subgraphs import entity_app

pytestmark = pytest.mark.anyio

MODES = [pytest.param(False, id="tree"), pytest.param(True, id="batch")]


def _echo(uid: str) -> Callable[..., str]:
    """``U.field(a:)``: says which context value it was called with."""

    def field(_info: Any, a: str | None = None) -> str:
        return f"{uid}:{json.dumps(a)}"

    return field


def _u(uid: str) -> dict[str, Any]:
    return {"id": uid, "b": f"b-{uid}", "field": _echo(uid)}


def _same_apps() -> dict[str, GraphQLCoreApp]:
    ts = [
        {"id": "1", "prop": "x", "u": _u("u1"), "v": {"us": [_u("u1"), _u("u2")]}},
        {"id": "2", "prop": "y", "u": _u("u1"), "v": {"us": [_u("u2")]}},
        {"id": "3", "prop": None, "u": _u("u3"), "v": {"us": []}},
    ]
    a = entity_app(
        """
        type Query { ts: [T!]! }
        type T { id: ID! prop: String u: U! v: V! }
        type V { w: String us: [U!]! }
        type U { id: ID! b: String! field(a: String): String! }
        """,
        root={"ts": ts},
        entities={"U": lambda rep: _u(rep["id"])},
    )
    b = entity_app(
        "type Query { a: Int! }\ntype U { id: ID! c: String }",
        entities={"U": lambda rep: {"id": rep["id"], "c": f"c-{rep['id']}"}},
    )
    return {"a": a, "b": b}


def _gateway(sg: Any, apps: dict[str, GraphQLCoreApp], batch: bool) -> Gateway:
    return Gateway(sg, LocalClient(apps), GatewayConfig(batch_fetches=batch))


@pytest.mark.parametrize("batch", MODES)
async def test_each_parent_passes_its_own_context(batch: bool) -> None:
    apps = _same_apps()
    gateway = _gateway(supergraph(a=g.SAME_A, b=g.SAME_B), apps, batch)
    result = await gateway.execute("{ ts { prop u { b field } v { us { c field } } } }")
    assert result == {
        "data": {
            "ts": [
                {
                    "prop": "x",
                    "u": {"b": "b-u1", "field": 'u1:"x"'},
                    "v": {
                        "us": [{"c": "c-u1", "field": 'u1:"x"'}, {"c": "c-u2", "field": 'u2:"x"'}]
                    },
                },
                {
                    "prop": "y",
                    "u": {"b": "b-u1", "field": 'u1:"y"'},
                    "v": {"us": [{"c": "c-u2", "field": 'u2:"y"'}]},
                },
                # a null context field passes null
                {"prop": None, "u": {"b": "b-u3", "field": "u3:null"}, "v": {"us": []}},
            ]
        }
    }


async def test_one_request_with_an_entities_call_per_context_value() -> None:
    apps = _same_apps()
    gateway = _gateway(supergraph(a=g.SAME_A, b=g.SAME_B), apps, False)
    result = await gateway.execute("{ ts { u { field } } }")
    assert "errors" not in result
    calls = [r for r in apps["a"].requests if "_entities" in r["query"]]
    assert len(calls) == 1
    request = calls[0]
    # u1 under "x" and under "y" are two representations in two calls, never merged
    assert "_2:_entities(representations:$r2)" in request["query"]
    variables = request["variables"]
    groups = [(variables[f"r{i}"], variables[f"contextualArgument_1_0_{i}"]) for i in range(3)]
    assert groups == [
        ([{"__typename": "U", "id": "u1"}], "x"),
        ([{"__typename": "U", "id": "u1"}], "y"),
        ([{"__typename": "U", "id": "u3"}], None),
    ]


async def test_lists_below_the_context_share_their_parents_value() -> None:
    apps = _same_apps()
    gateway = _gateway(supergraph(a=g.SAME_A, b=g.SAME_B), apps, False)
    result = await gateway.execute("{ ts { v { us { field } } } }")
    assert result["data"]["ts"][0]["v"]["us"] == [{"field": 'u1:"x"'}, {"field": 'u2:"x"'}]
    calls = [r for r in apps["a"].requests if "_entities" in r["query"]]
    # x and y: two calls in one request; T 3 has no U below it
    assert [sorted(r["variables"]) for r in calls] == [
        ["contextualArgument_1_0_0", "contextualArgument_1_0_1", "r0", "r1"]
    ]


@pytest.mark.parametrize("batch", MODES)
async def test_context_from_another_subgraph(batch: bool) -> None:
    a = entity_app(
        "type Query { ts: [T!]! }\ntype T { id: ID! prop: String }",
        root={"ts": [{"id": "1", "prop": "p1"}, {"id": "2", "prop": None}]},
        entities={"T": lambda rep: {"id": rep["id"]}},
    )
    b = entity_app(
        "type Query { _b: Int }\ntype T { id: ID! u: U! }\n"
        "type U { id: ID! field(a: String): String! }",
        entities={
            "T": lambda rep: {"id": rep["id"], "u": _u(f"u{rep['id']}")},
            "U": lambda rep: _u(rep["id"]),
        },
    )
    gateway = _gateway(supergraph(a=g.OTHER_A, b=g.OTHER_B), {"a": a, "b": b}, batch)
    result = await gateway.execute("{ ts { u { field } again: u { field } } }")
    # `again` is a second use in the same fetch: a variable of its own, the same value
    assert result == {
        "data": {
            "ts": [
                {"u": {"field": 'u1:"p1"'}, "again": {"field": 'u1:"p1"'}},
                {"u": {"field": "u2:null"}, "again": {"field": "u2:null"}},
            ]
        }
    }
    calls = [r for r in b.requests if "contextualArgument_2_0__1" in r["query"]]
    assert len(calls) == 1


@pytest.mark.parametrize("batch", MODES)
async def test_type_conditions_pick_the_ancestors_field(batch: bool) -> None:
    a = entity_app(
        "type Query { t: T! s: S! }\ntype T { id: ID! u: U! prop: String! }\n"
        "type S { id: ID! u: U! other: String! }\ntype U { id: ID! field(a: String): String! }",
        root={
            "t": {"id": "t", "prop": "from-t", "u": {"id": "u1"}},
            "s": {"id": "s", "other": "from-s", "u": {"id": "u1"}},
        },
        entities={"U": lambda rep: _u(rep["id"])},
    )
    b = entity_app(
        "type Query { a: Int! }\ntype U { id: ID! }",
        entities={"U": lambda rep: {"id": rep["id"]}},
    )
    gateway = _gateway(supergraph(a=g.COND_A, b=g.COND_B), {"a": a, "b": b}, batch)
    result = await gateway.execute("{ t { u { field } } s { u { field } } }")
    assert result == {
        "data": {"t": {"u": {"field": 'u1:"from-t"'}}, "s": {"u": {"field": 'u1:"from-s"'}}}
    }


def test_plan_json_shows_context_rewrites_as_apollo() -> None:
    from graphql import parse

    from gateway.planner import Planner
    from gateway.planner.plan_json import plan_to_json

    sg = supergraph(a=g.OTHER_A, b=g.OTHER_B)
    plan = plan_to_json(Planner(sg).plan(parse("{ ts { u { field } } }")))
    fetch = plan["node"]["nodes"][1]["node"]
    assert fetch["contextRewrites"] == [
        {
            "kind": "KeyRenamer",
            "path": ["... on T", "prop"],
            "renameKeyTo": "contextualArgument_2_0",
        }
    ]
    assert fetch["variableUsages"] == ["contextualArgument_2_0"]


@pytest.mark.parametrize("batch", MODES)
async def test_context_under_an_interface_with_aliases(batch: bool) -> None:
    def prop(nid: str) -> Callable[..., str]:
        return lambda _info, x=None: f"p-{nid}" if x is None else f"p-{nid}-{x}"

    def u(uid: str) -> dict[str, Any]:
        return {"id": uid, "field": lambda _info, n=None, a=None: f"{uid}:{n}:{json.dumps(a)}"}

    nodes = [
        {"__typename": "T", "id": "t1", "prop": prop("t1"), "u": {"id": "u1"}},
        {"__typename": "S", "id": "s1", "prop": prop("s1"), "u": {"id": "u1"}},
    ]
    a = entity_app(
        """
        type Query { nodes: [Node!]! }
        interface Node { id: ID! u: U! }
        type T implements Node { id: ID! u: U! prop(x: Int): String }
        type S implements Node { id: ID! u: U! prop(x: Int): String }
        type U { id: ID! field(n: Int, a: String): String! }
        """,
        root={"nodes": nodes},
        entities={"U": lambda rep: u(rep["id"])},
    )
    node = a.schema.type_map["Node"]
    assert isinstance(node, GraphQLInterfaceType)
    node.resolve_type = lambda obj, *_: obj["__typename"]
    b = entity_app("type Query { a: Int! }\ntype U { id: ID! }", entities={"U": lambda r: r})
    gateway = _gateway(supergraph(a=g.IFACE_A, b=g.IFACE_B), {"a": a, "b": b}, batch)
    query = "{ nodes { ... on T { prop(x: 1) } u { f1: field(n: 1) f2: field(n: 2) } } }"
    assert await gateway.execute(query) == {
        "data": {
            "nodes": [
                {"prop": "p-t1-1", "u": {"f1": 'u1:1:"p-t1"', "f2": 'u1:2:"p-t1"'}},
                {"u": {"f1": 'u1:1:"p-s1"', "f2": 'u1:2:"p-s1"'}},
            ]
        }
    }


@pytest.mark.parametrize("batch", MODES)
async def test_error_in_one_context_group_is_located_there(batch: bool) -> None:
    def u(uid: str) -> dict[str, Any]:
        def field(_info: Any, a: str | None = None) -> str:
            if a == "y":
                raise ValueError(f"no field for {a}")
            return f"{uid}:{json.dumps(a)}"

        return {"id": uid, "b": f"b-{uid}", "field": field}

    ts = [
        {"id": "1", "prop": "x", "u": {"id": "u1"}, "v": {"us": []}},
        {"id": "2", "prop": "y", "u": {"id": "u1"}, "v": {"us": []}},
    ]
    a = entity_app(
        """
        type Query { ts: [T!]! }
        type T { id: ID! prop: String u: U! v: V! }
        type V { w: String us: [U!]! }
        type U { id: ID! b: String! field(a: String): String }
        """,
        root={"ts": ts},
        entities={"U": lambda rep: u(rep["id"])},
    )
    apps = {"a": a, "b": _same_apps()["b"]}
    nullable = g.SAME_A.replace("): String!", "): String")
    gateway = _gateway(supergraph(a=nullable, b=g.SAME_B), apps, batch)
    result = await gateway.execute("{ ts { u { field } } }")
    assert result["data"] == {"ts": [{"u": {"field": 'u1:"x"'}}, {"u": {"field": None}}]}
    assert [(e["message"], e["path"]) for e in result["errors"]] == [
        ("no field for y", ["ts", 1, "u", "field"])
    ]


@pytest.mark.parametrize("batch", MODES)
async def test_context_field_fetched_by_a_jump_from_the_ancestor(batch: bool) -> None:
    a = entity_app(
        "type Query { x: Int }\ntype T { id: ID! prop: String }",
        entities={"T": lambda rep: {"id": rep["id"], "prop": f"p{rep['id']}"}},
    )
    b = entity_app(
        "type Query { ts: [T!]! }\ntype T { id: ID! u: U! }\n"
        "type U { id: ID! field(a: String): String! }",
        root={"ts": [{"id": "1", "u": {"id": "u"}}, {"id": "2", "u": {"id": "u"}}]},
        entities={"U": lambda rep: _u(rep["id"])},
    )
    gateway = _gateway(supergraph(a=g.JUMP_A, b=g.JUMP_B), {"a": a, "b": b}, batch)
    result = await gateway.execute("{ ts { u { field } } }")
    assert result == {"data": {"ts": [{"u": {"field": 'u:"p1"'}}, {"u": {"field": 'u:"p2"'}}]}}
