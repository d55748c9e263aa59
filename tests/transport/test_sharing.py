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
