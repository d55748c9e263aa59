"""Hostile operations against the real server (``fedgate serve``: uvicorn, one worker): a
fragment bomb and 3,000 aliases are refused with a coded error, and ``/health`` keeps
answering while they arrive. Before the budgets, the bomb took 78 s of CPU on the event loop
(``/health`` stopped answering) and 3,000 aliases on an entity field took seconds.

The time limits here only guard against a hang (one worker, a shared CI machine); the
budgets' real cost, a few milliseconds of server time, is measured in the decision record
(docs/decisions/0012-operation-budgets.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.processes import ROOT, fedgate, free_port, running

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
HANG_GUARD = 2.0  # seconds per request; a refusal takes milliseconds
ROUNDS = 10


def fragment_bomb(levels: int = 20) -> str:
    """Each fragment spreads the next twice (2^20 selections once expanded); the second spread
    sits in an inline fragment, so that no folding of identical siblings can merge them."""
    fragments = [
        f"fragment F{i} on Product {{ ...F{i + 1} ... on Product {{ ...F{i + 1} }} }}"
        for i in range(levels - 1)
    ]
    fragments.append(f"fragment F{levels - 1} on Product {{ name upc }}")
    return "{ topProducts { ...F0 } } " + " ".join(fragments)


def plain_fragment_bomb(levels: int = 20) -> str:
    """The report's form, ``...F1 ...F1`` (832 bytes): counted as written, as Apollo counts."""
    fragments = [f"fragment F{i} on Product {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    fragments[-1] = f"fragment F{levels - 1} on Product {{ name upc }}"
    return "{ topProducts { ...F0 } } " + " ".join(fragments)


def many_aliases(count: int = 3000) -> str:
    """Aliases of a field the entity's own subgraph lacks (each one an entity jump)."""
    return "{ topProducts { " + " ".join(f"a{i}: inStock" for i in range(count)) + " } }"


HOSTILE = {
    "fragment bomb": (fragment_bomb(), "OPERATION_TOO_COMPLEX"),
    "plain fragment bomb": (plain_fragment_bomb(), "OPERATION_TOO_COMPLEX"),
    "3,000 aliases": (many_aliases(), "MAX_ALIASES_LIMIT"),
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = fedgate("serve", "--supergraph", str(SUPERGRAPH), "--port", str(port))
    with running(argv, health_url=f"{url}/health"):
        yield url


@pytest.mark.parametrize("name", list(HOSTILE))
def test_refused_with_a_code_while_health_answers(server: str, name: str) -> None:
    query, code = HOSTILE[name]
    results: list[tuple[float, httpx.Response]] = []
    failures: list[BaseException] = []

    def send() -> None:
        try:
            with httpx.Client(base_url=server, timeout=30) as client:
                for i in range(ROUNDS):  # another text each time: no cache hit
                    started = time.monotonic()
                    reply = client.post("/graphql", json={"query": f"{query} # {i}"})
                    results.append((time.monotonic() - started, reply))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    sender = threading.Thread(target=send)
    health: list[float] = []
    with httpx.Client(base_url=server, timeout=HANG_GUARD) as probe:
        sender.start()
        while sender.is_alive():
            started = time.monotonic()
            assert probe.get("/health").status_code == 200
            health.append(time.monotonic() - started)
        sender.join()
    assert not failures, failures
    assert len(results) == ROUNDS
    for elapsed, reply in results:
        body = reply.json()
        assert "data" not in body or body["data"] is None, body
        assert [e["extensions"]["code"] for e in body["errors"]] == [code], body
        assert elapsed < HANG_GUARD, f"{name}: {elapsed:.2f} s"
    assert health, "no /health request completed while the operations were sent"
    assert max(health) < HANG_GUARD


def test_conflicting_aliases_answer_the_real_validation_errors(server: str) -> None:
    """1,000 aliases with one response key for two different fields: graphql-core's overlap
    rule would give up ("Validation aborted."); identical siblings are folded first, so the
    real conflict is reported, once."""
    fields = " ".join(f"a: {'name' if i % 2 else 'upc'}" for i in range(1000))
    reply = httpx.post(f"{server}/graphql", json={"query": f"{{ topProducts {{ {fields} }} }}"})
    body = reply.json()
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert body["errors"][0]["message"].startswith(
        "Fields 'a' conflict because 'upc' and 'name' are different fields."
    )
