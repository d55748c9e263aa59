"""SharingClient: identical in-flight requests share one call; mutations never do."""

from __future__ import annotations

import asyncio

import pytest

from gateway.transport.base import (
    DEFAULT_HEADERS,
    SubgraphRequest,
    SubgraphResponse,
    TransportError,
)
from gateway.transport.sharing import SharingClient

pytestmark = pytest.mark.anyio


class Slow:
    """Answers after ``release`` is set; counts calls."""

    def __init__(self, fail: bool = False) -> None:
        self.calls = 0
        self.release = asyncio.Event()
        self.fail = fail

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        self.calls += 1
        await self.release.wait()
        if self.fail:
            raise TransportError(request.subgraph, "refused")
        return SubgraphResponse(request.subgraph, 200, b'{"data":{"a":%d}}' % self.calls)


def req(query: str = "{a}", *, shareable: bool = True) -> SubgraphRequest:
    return SubgraphRequest("s", "http://s/graphql", {"query": query}, shareable=shareable)


async def _settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_identical_concurrent_requests_share_one_call() -> None:
    inner = Slow()
    client = SharingClient(inner)
    tasks = [asyncio.ensure_future(client.fetch(req())) for _ in range(5)]
    await _settle()
    inner.release.set()
    responses = await asyncio.gather(*tasks)
    assert inner.calls == 1 and client.shared == 4
    assert {r.body for r in responses} == {b'{"data":{"a":1}}'}


async def test_different_bodies_and_later_requests_are_not_shared() -> None:
    inner = Slow()
    inner.release.set()
    client = SharingClient(inner)
    await asyncio.gather(client.fetch(req("{a}")), client.fetch(req("{b}")))
    await client.fetch(req("{a}"))  # the first one is no longer in flight
    assert inner.calls == 3


async def test_mutations_are_never_shared() -> None:
    inner = Slow()
    client = SharingClient(inner)
    tasks = [asyncio.ensure_future(client.fetch(req(shareable=False))) for _ in range(2)]
    await _settle()
    inner.release.set()
    await asyncio.gather(*tasks)
    assert inner.calls == 2


async def test_a_failure_reaches_every_waiter() -> None:
    inner = Slow(fail=True)
    client = SharingClient(inner)
    tasks = [asyncio.ensure_future(client.fetch(req())) for _ in range(3)]
    await _settle()
    inner.release.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert inner.calls == 1
    assert all(isinstance(r, TransportError) for r in results)


async def test_a_cancelled_waiter_does_not_cancel_the_shared_call() -> None:
    inner = Slow()
    client = SharingClient(inner)
    leader = asyncio.ensure_future(client.fetch(req()))
    waiter = asyncio.ensure_future(client.fetch(req()))
    await _settle()
    waiter.cancel()
    await _settle()
    inner.release.set()
    assert (await leader).status == 200
    assert waiter.cancelled()


async def test_requests_with_different_headers_are_never_shared() -> None:
    """Header rules make subgraph headers per client: one client's ``Authorization`` must
    never answer another's request."""
    inner = Slow()
    client = SharingClient(inner)

    def with_auth(token: str) -> SubgraphRequest:
        headers = {**DEFAULT_HEADERS, "authorization": token}
        return SubgraphRequest("s", "http://s/graphql", {"query": "{a}"}, headers)

    tasks = [
        asyncio.ensure_future(client.fetch(r))
        for r in (with_auth("Bearer alice"), with_auth("Bearer bob"), with_auth("Bearer alice"))
    ]
    await _settle()
    inner.release.set()
    await asyncio.gather(*tasks)
    assert inner.calls == 2 and client.shared == 1


async def test_a_cancelled_leader_does_not_cancel_its_followers() -> None:
    """The leader's client request timed out or went away; the others still want the answer
    and get it from a call of their own."""
    inner = Slow()
    client = SharingClient(inner)
    leader = asyncio.ensure_future(client.fetch(req()))
    await _settle()
    follower = asyncio.ensure_future(client.fetch(req()))
    await _settle()
    leader.cancel()
    await _settle()
    inner.release.set()
    response = await follower
    assert leader.cancelled()
    assert response.body == b'{"data":{"a":2}}' and inner.calls == 2


def other(subgraph: str) -> SubgraphRequest:
    return SubgraphRequest(subgraph, f"http://{subgraph}/graphql", {"query": "{a}"})


async def _calls(client: SharingClient, inner: Slow, subgraph: str) -> int:
    before = inner.calls
    tasks = [asyncio.ensure_future(client.fetch(other(subgraph))) for _ in range(3)]
    await _settle()
    inner.release.set()
    await asyncio.gather(*tasks)
    inner.release.clear()
    return inner.calls - before


async def test_per_subgraph_sharing_deduplicate_query() -> None:
    inner = Slow()
    unshared = SharingClient(inner, unshared=frozenset({"reviews"}))
    assert await _calls(unshared, inner, "reviews") == 3
    assert await _calls(unshared, inner, "products") == 1
    only = SharingClient(inner, only=frozenset({"products"}))
    assert await _calls(only, inner, "reviews") == 3
    assert await _calls(only, inner, "products") == 1


class Gated:
    """Each call waits for its own event and answers its number."""

    def __init__(self) -> None:
        self.gates: list[asyncio.Event] = []

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        gate = asyncio.Event()
        self.gates.append(gate)
        n = len(self.gates)
        await gate.wait()
        return SubgraphResponse(request.subgraph, 200, b"%d" % n)


async def test_group_limit_answers_at_most_that_many_requests_per_call() -> None:
    inner = Gated()
    client = SharingClient(inner, group_limit=2)
    first = [asyncio.ensure_future(client.fetch(req())) for _ in range(5)]
    await _settle()
    assert len(inner.gates) == 3 and client.shared == 2  # groups of 2, 2 and 1
    for gate in inner.gates:
        gate.set()
    # each request got the answer of the call it joined
    assert [r.body for r in await asyncio.gather(*first)] == [b"1", b"1", b"2", b"2", b"3"]
    # every call has finished: the key is free again, a later request starts a new call
    later = asyncio.ensure_future(client.fetch(req()))
    await _settle()
    assert len(inner.gates) == 4
    inner.gates[3].set()
    assert (await later).body == b"4"


async def test_a_group_limit_of_one_shares_nothing() -> None:
    inner = Slow()
    client = SharingClient(inner, group_limit=1)  # no sharing at all: every call its own
    tasks = [asyncio.ensure_future(client.fetch(req())) for _ in range(3)]
    await _settle()
    assert inner.calls == 3 and client.shared == 0
    inner.release.set()
    await asyncio.gather(*tasks)
    with pytest.raises(ValueError):
        SharingClient(inner, group_limit=0)


async def test_group_limit_keeps_joining_the_newest_call_after_an_older_one_ends() -> None:
    inner = Gated()
    client = SharingClient(inner, group_limit=2)
    a = [asyncio.ensure_future(client.fetch(req())) for _ in range(3)]  # calls 1 (2) and 2
    await _settle()
    inner.gates[0].set()  # the full group's call ends; call 2 is still in flight
    assert [r.body for r in await asyncio.gather(*a[:2])] == [b"1", b"1"]
    b = asyncio.ensure_future(client.fetch(req()))  # joins call 2, not a new one
    await _settle()
    assert len(inner.gates) == 2
    inner.gates[1].set()
    assert (await a[2]).body == (await b).body == b"2"
