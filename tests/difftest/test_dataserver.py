"""The data server: subgraphs that share a field agree on it, and federation's rules hold."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.supergraph import Supergraph

from .dataserver import DataServer, lenient_load, rewrite_urls
from .resolvers import SubgraphData
from .sources import Case, discover
from .subgraphs import extract_graphs


def _served(case: Case) -> tuple[Supergraph, dict[str, SubgraphData]]:
    supergraph = lenient_load(case.sdl, case.id)
    return supergraph, {n: SubgraphData(v) for n, v in extract_graphs(supergraph).items()}


def _flat_key(supergraph: Supergraph, type_name: str, n: int) -> dict[str, Any] | None:
    """A representation for identity (type, n) where the type has a one-field scalar key."""
    type_def = supergraph.types[type_name]
    for join in type_def.joins:
        key = join.key
        if key and " " not in key.strip() and "{" not in key:
            named = type_def.fields[key.strip()].type.named
            value: Any = n if named == "Int" else f"{type_name}:{n}"
            return {"__typename": type_name, key.strip(): value}
    return None


def _shared_fields(supergraph: Supergraph) -> list[tuple[str, str, list[str]]]:
    """(type, field, graphs) for leaf fields without arguments resolvable in several graphs."""
    shared = []
    for type_def in supergraph.types.values():
        if type_def.kind != "OBJECT" or not any(j.key for j in type_def.joins):
            continue
        # only subgraphs that can be asked for the entity (a resolvable key of their own)
        keyed = {j.graph for j in type_def.joins if j.key and j.resolvable}
        for field_def in type_def.fields.values():
            named = supergraph.types.get(field_def.type.named)
            if field_def.arguments or (named is not None and named.kind != "ENUM"):
                continue
            graphs = [
                j.graph
                for j in field_def.joins
                if j.graph in keyed and not j.external and not j.requires and not j.type
            ]
            if len(graphs) > 1 and _flat_key(supergraph, type_def.name, 0) is not None:
                shared.append((type_def.name, field_def.name, graphs))
    return shared


def _entities_query(type_name: str, field_name: str) -> str:
    selection = f"... on {type_name} {{ {field_name} }}"
    return f"query($r: [_Any!]!) {{ _entities(representations: $r) {{ {selection} }} }}"


CASES = [c for c in discover() if _shared_fields(lenient_load(c.sdl, c.id))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_subgraphs_sharing_a_field_answer_the_same(case: Case) -> None:
    supergraph, subgraphs = _served(case)
    checked = 0
    comparable = 0  # shared fields of a type two of its subgraphs resolve as an entity
    for type_name, field_name, graphs in _shared_fields(supergraph):
        entity_graphs = [g for g in graphs if type_name in subgraphs[g].view.entity_types]
        if len(entity_graphs) < 2:
            continue  # a value type's field: reached only through its parent, not _entities
        comparable += 1
        for n in range(12):
            rep = _flat_key(supergraph, type_name, n)
            if rep is None:
                break
            query = _entities_query(type_name, field_name)
            answers = []
            for graph in graphs:
                if type_name not in subgraphs[graph].view.entity_types:
                    continue
                body = subgraphs[graph].execute(query, {"r": [rep]}, None)
                assert "errors" not in body, (graph, body)
                answers.append(body["data"]["_entities"])
            assert all(a == answers[0] for a in answers), (type_name, field_name, answers)
            checked += len(answers) > 1
    if not comparable:
        pytest.skip("no field shared by two subgraphs that resolve its type as an entity")
    assert checked > 0


def test_entities_reveal_identity_and_refuse_what_they_cannot_parse() -> None:
    _, subgraphs = _served(discover("example")[0])
    accounts = subgraphs["accounts"]
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }"
    reps = [
        {"__typename": "User", "id": "User:7"},
        {"__typename": "User", "id": "nope"},
        {"__typename": "Nope", "id": "User:7"},
    ]
    body = accounts.execute(query, {"r": reps}, None)
    assert body["data"]["_entities"] == [{"id": "User:7"}, None, None]


def test_external_fields_resolve_only_where_provided() -> None:
    case = discover("corpus-c6-provides-nested")[0]
    supergraph, subgraphs = _served(case)
    externals = [
        (t.name, f.name, j.graph)
        for t in supergraph.types.values()
        for f in t.fields.values()
        for j in f.joins
        if j.external
        and any(k.key for k in t.joins if k.graph == j.graph)
        and f.name not in (t.joins[0].key or "")
        and f.type.named in ("String", "Int", "ID", "Float", "Boolean")
    ]
    assert externals, "the case has external leaf fields"
    type_name, field_name, graph = externals[0]
    rep = _flat_key(supergraph, type_name, 3)
    assert rep is not None
    query = _entities_query(type_name, field_name)
    body = subgraphs[graph].execute(query, {"r": [rep]}, None)
    # not provided here and not in the representation: a real subgraph has no value for it
    assert body["data"]["_entities"] == [{field_name: None}] or "errors" in body


def test_requires_values_change_the_answer() -> None:
    case = discover("planner-0173255226a3b506")[0]  # Cart.discount requires subtotal
    _, subgraphs = _served(case)
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Cart { discount } } }"
    with_value = [{"__typename": "Cart", "id": "Cart:1", "subtotal": 10}]
    other_value = [{"__typename": "Cart", "id": "Cart:1", "subtotal": 11}]
    missing = [{"__typename": "Cart", "id": "Cart:1"}]
    answers = [
        subgraphs["b"].execute(query, {"r": r}, None)["data"]
        for r in (with_value, other_value, missing)
    ]
    assert answers[0] == subgraphs["b"].execute(query, {"r": with_value}, None)["data"]
    assert len({str(a) for a in answers}) == 3, answers


def test_served_over_http_with_routed_urls() -> None:
    case = discover("example")[0]
    assert 'url: "http://x/example/accounts"' in rewrite_urls(case.sdl, "http://x/example")
    import urllib.request

    with DataServer() as data:
        data.add(case.id, case.sdl)
        request = urllib.request.Request(
            f"{data.base}/example/accounts",
            data=b'{"query": "{ _service { sdl } }"}',
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert b"type User" in response.read()
