"""Result coercion of subgraph leaf values against real processes: ``fedgate serve`` under
uvicorn in front of two uvicorn-served subgraphs that answer values of the wrong type
(``leaf_subgraph.py``), through an entity jump. Each wrong built-in scalar or enum value is
null with a value completion note at its path (decision 0011), a wrong non-null one nulls
its parent, the spec's lossless conversions apply, custom scalars pass as they are."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from gateway.composition import compose
from gateway.composition.model import CompositionSuccess, SubgraphSource

from .leaf_subgraph import SDL
from .processes import fedgate, free_port, running

QUERY = "{ items { id name count ratio flag kind data score tags } }"
INVALID = {"code": "INVALID_GRAPHQL"}


@pytest.fixture(scope="module")
def gateway_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("leaves")
    ports = {name: free_port() for name in SDL}
    sources = [
        SubgraphSource(name, f"http://127.0.0.1:{port}/graphql", SDL[name])
        for name, port in ports.items()
    ]
    result = compose(sources)
    assert isinstance(result, CompositionSuccess), result
    supergraph = work / "supergraph.graphql"
    supergraph.write_text(result.supergraph_sdl)
    port = free_port()
    config = work / "router.yaml"
    config.write_text(f"supergraph:\n  listen: 127.0.0.1:{port}\n")
    with ExitStack() as stack:
        for name, sub_port in ports.items():
            argv = [sys.executable, "-m", "tests.e2e.leaf_subgraph", "--port", str(sub_port)]
            argv += ["--name", name]
            stack.enter_context(running(argv, health_url=f"http://127.0.0.1:{sub_port}/health"))
        argv = fedgate("serve", "--supergraph", str(supergraph), "--config", str(config))
        stack.enter_context(running(argv, health_url=f"http://127.0.0.1:{port}/health"))
        yield f"http://127.0.0.1:{port}/graphql"


def note(message: str, *path: str | int) -> dict[str, Any]:
    return {"message": message, "path": list(path), "extensions": INVALID}


def test_wrong_leaves_are_null_with_a_note_at_their_path(gateway_url: str) -> None:
    r = httpx.post(gateway_url, json={"query": QUERY})
    assert r.status_code == 200
    body = r.json()
    assert "errors" not in body, body
    assert body["data"] == {
        "items": [
            {
                "id": "1",
                "name": "ok",
                "count": 3,
                "ratio": 1,
                "flag": True,
                "kind": "BOOK",
                "data": [1],
                "score": 10,
                "tags": None,  # [String!] with a 5 in it: the item is not null, the list is
            },
            {
                "id": "2",  # an int ID is its decimal string
                "name": None,
                "count": None,
                "ratio": None,
                "flag": None,
                "kind": None,
                "data": "anything",  # a custom scalar: as the subgraph sent it
                "score": -(2**31),
                "tags": None,
            },
            None,  # score: Int! was "high"
        ]
    }
    assert sorted(body["extensions"]["valueCompletion"], key=lambda n: n["path"]) == sorted(
        [
            note("Invalid value found for field Item.tags.", "items", 0, "tags", 1),
            note("Invalid value found for field Item.name.", "items", 1, "name"),
            note("Invalid value found for field Item.count.", "items", 1, "count"),
            note("Invalid value found for field Item.ratio.", "items", 1, "ratio"),
            note("Invalid value found for field Item.flag.", "items", 1, "flag"),
            note('Enum "Kind" cannot represent value: "OPERA"', "items", 1, "kind"),
            note("Invalid value found for field Item.score.", "items", 2, "score"),
        ],
        key=lambda n: n["path"],
    )


def test_an_integral_float_for_an_int_is_the_int(gateway_url: str) -> None:
    r = httpx.post(gateway_url, json={"query": "{ items { count ratio } }"})
    items = r.json()["data"]["items"]
    assert items[2] == {"count": 4, "ratio": 2.5}
    assert r.text.count('"count":4,') == 1  # serialised as an int, not 4.0


def test_valid_answers_have_no_notes(gateway_url: str) -> None:
    r = httpx.post(gateway_url, json={"query": "{ items { score } }"})
    body = r.json()
    assert body["data"] == {"items": [{"score": 10}, {"score": -(2**31)}, None]}
    assert body["extensions"]["valueCompletion"] == [
        note("Invalid value found for field Item.score.", "items", 2, "score")
    ]
    r = httpx.post(gateway_url, json={"query": "{ items { id data } }"})
    assert r.json() == {
        "data": {
            "items": [
                {"id": "1", "data": [1]},
                {"id": "2", "data": "anything"},
                {"id": "3", "data": None},
            ]
        }
    }
