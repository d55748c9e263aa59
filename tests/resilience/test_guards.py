"""Retries, the retry budget, circuit breakers and bulkheads, with counted calls to a real
HTTP subgraph (``Scripted``) through the real aiohttp transport."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from gateway.context import RequestContext
from gateway.resilience import (
    BreakerPolicy,
    BulkheadPolicy,
    ResiliencePolicies,
    ResilientClient,
    RetryPolicy,
    SubgraphPolicy,
)
from gateway.transport.base import SubgraphRequest, TransportError
from gateway.transport.http import HttpClient, HttpTimeouts

from .conftest import Scripted

pytestmark = pytest.mark.anyio

FAST = RetryPolicy(max_attempts=3, initial_backoff=0.001, max_backoff=0.002)


@pytest.fixture
async def http() -> AsyncIterator[HttpClient]:
    client = HttpClient(timeouts=HttpTimeouts(total=0.3, connect=1))
    yield client
    await client.close()


def guarded(http: HttpClient, **policy: object) -> ResilientClient:
    return ResilientClient(http, ResiliencePolicies(SubgraphPolicy(**policy)))  # type: ignore[arg-type]


def request(server: Scripted, *, mutation: bool = False, **kw: object) -> SubgraphRequest:
    return SubgraphRequest("s", server.url, {"query": "{ok}"}, shareable=not mutation, **kw)  # type: ignore[arg-type]


async def test_502_503_504_are_retried_until_an_answer(
    scripted: Scripted, http: HttpClient
) -> None:
    scripted.script = [(503, {}), (502, {})]
    response = await guarded(http, retry=FAST).fetch(request(scripted))
    assert response.status == 200
    assert scripted.calls == 3


async def test_retries_stop_at_max_attempts(scripted: Scripted, http: HttpClient) -> None:
    scripted.script = [(504, {})] * 5
    response = await guarded(http, retry=FAST).fetch(request(scripted))
    assert response.status == 504
    assert scripted.calls == 3


async def test_a_500_and_a_4xx_are_not_retried(scripted: Scripted, http: HttpClient) -> None:
    client = guarded(http, retry=FAST)
    scripted.script = [(500, {}), (429, {})]
    assert (await client.fetch(request(scripted))).status == 500
    assert (await client.fetch(request(scripted))).status == 429
    assert scripted.calls == 2


async def test_mutations_are_not_retried_unless_configured(
    scripted: Scripted, http: HttpClient
) -> None:
    scripted.script = [(503, {})] * 3  # one for the mutation, two for its retries
    assert (await guarded(http, retry=FAST).fetch(request(scripted, mutation=True))).status == 503
    assert scripted.calls == 1
    policy = RetryPolicy(3, 0.001, 0.002, retry_mutations=True)
    assert (await guarded(http, retry=policy).fetch(request(scripted, mutation=True))).status == 200
    assert scripted.calls == 1 + 3


async def test_timeouts_before_an_answer_are_retried(scripted: Scripted, http: HttpClient) -> None:
    scripted.delay = 1.0  # past the 0.3 s timeout, every time
    with pytest.raises(TransportError) as info:
        await guarded(http, retry=FAST).fetch(request(scripted))
    assert info.value.code == "GATEWAY_TIMEOUT"
    assert scripted.calls == 3


async def test_a_failure_after_the_answer_started_is_not_retried(
    scripted: Scripted, http: HttpClient
) -> None:
    cut = SubgraphRequest("s", scripted.url.replace("/graphql", "/cut"), {"query": "{ok}"})
    with pytest.raises(TransportError) as info:
        await guarded(http, retry=FAST).fetch(cut)
    assert info.value.answered and info.value.code == "SUBREQUEST_HTTP_ERROR"
    assert scripted.calls == 1  # the subgraph did the work once; a retry would repeat it


async def test_retry_after_is_waited_for(scripted: Scripted, http: HttpClient) -> None:
    scripted.script = [(503, {"retry-after": "1"})]
    started = time.monotonic()
    assert (await guarded(http, retry=FAST).fetch(request(scripted))).status == 200
    assert time.monotonic() - started >= 1.0
    assert scripted.calls == 2


async def test_a_retry_after_past_the_limit_or_the_deadline_is_not_waited_for(
    scripted: Scripted, http: HttpClient
) -> None:
    client = guarded(http, retry=FAST)
    scripted.script = [(503, {"retry-after": "60"})]  # more than max_retry_after (5 s)
    assert (await client.fetch(request(scripted))).status == 503
    scripted.script = [(503, {"retry-after": "1"})]
    context = RequestContext.create(timeout=0.5)  # the client's deadline comes first
    assert (await client.fetch(request(scripted, context=context))).status == 503
    assert scripted.calls == 2


async def test_the_retry_budget_caps_retries_at_a_share_of_traffic(
    scripted: Scripted, http: HttpClient
) -> None:
    policy = RetryPolicy(2, 0.001, 0.002, min_per_sec=0, retry_percent=0.5)
    client = guarded(http, retry=policy)
    scripted.script = [(503, {})] * 100
    for _ in range(10):
        assert (await client.fetch(request(scripted))).status == 503
    # a retry needs spent + 1 <= 0.5 * requests: the 2nd, 4th, 6th, 8th and 10th retry once
    assert scripted.calls == 10 + 5
    [view] = client.view()
    assert (view.retries, view.retries_denied) == (5, 5)


async def test_the_breaker_opens_after_consecutive_failures_and_probes_close_it(
    scripted: Scripted, http: HttpClient
) -> None:
    policy = BreakerPolicy(consecutive_failures=3, open_duration=0.3, half_open_probes=2)
    client = guarded(http, breaker=policy)
    scripted.script = [(503, {})] * 3
    for _ in range(3):
        assert (await client.fetch(request(scripted))).status == 503
    for _ in range(5):
        with pytest.raises(TransportError) as info:
            await client.fetch(request(scripted))
        assert info.value.code == "SUBGRAPH_CIRCUIT_OPEN"
        assert "127.0.0.1" not in info.value.message
    assert scripted.calls == 3  # open: nothing reached the subgraph
    assert client.view()[0].breaker.state == "open"  # type: ignore[union-attr]
    await asyncio.sleep(0.35)
    for _ in range(2):  # two probes succeed: closed again
        assert (await client.fetch(request(scripted))).status == 200
    breaker = client.view()[0].breaker
    assert breaker is not None and (breaker.state, breaker.opened) == ("closed", 1)
    assert scripted.calls == 5


async def test_a_failed_probe_opens_the_breaker_again(scripted: Scripted, http: HttpClient) -> None:
    policy = BreakerPolicy(consecutive_failures=1, open_duration=0.2, half_open_probes=1)
    client = guarded(http, breaker=policy)
    scripted.script = [(503, {}), (503, {})]
    assert (await client.fetch(request(scripted))).status == 503
    await asyncio.sleep(0.25)
    assert (await client.fetch(request(scripted))).status == 503  # the probe fails
    with pytest.raises(TransportError):
        await client.fetch(request(scripted))
    breaker = client.view()[0].breaker
    assert breaker is not None and (breaker.state, breaker.opened) == ("open", 2)
    assert scripted.calls == 2


async def test_the_breaker_opens_on_the_failure_rate_after_minimum_calls(
    scripted: Scripted, http: HttpClient
) -> None:
    policy = BreakerPolicy(failure_rate=0.5, window=10, minimum_calls=4)
    client = guarded(http, breaker=policy)
    scripted.script = [(200, {}), (503, {}), (200, {}), (200, {}), (503, {}), (200, {})]
    statuses = [(await client.fetch(request(scripted))).status for _ in range(5)]
    assert statuses == [200, 503, 200, 200, 503]  # 1/4 then 2/5: below half, still closed
    assert client.view()[0].breaker.state == "closed"  # type: ignore[union-attr]
    scripted.script = [(503, {})]
    assert (await client.fetch(request(scripted))).status == 503  # 3 of 6: open
    with pytest.raises(TransportError):
        await client.fetch(request(scripted))
    assert scripted.calls == 6


async def test_the_bulkhead_refuses_at_once_when_full(scripted: Scripted, http: HttpClient) -> None:
    scripted.release = asyncio.Event()
    client = guarded(http, bulkhead=BulkheadPolicy(max_concurrent=2))
    slow = [asyncio.ensure_future(client.fetch(request(scripted))) for _ in range(2)]
    while scripted.calls < 2:
        await asyncio.sleep(0.01)
    started = time.monotonic()
    with pytest.raises(TransportError) as info:
        await client.fetch(request(scripted))
    assert info.value.code == "SUBGRAPH_BULKHEAD_FULL"
    assert time.monotonic() - started < 0.1
    view = client.view()[0]
    assert (view.in_flight, view.bulkhead_rejected) == (2, 1)
    scripted.release.set()
    assert [r.status for r in await asyncio.gather(*slow)] == [200, 200]
    assert scripted.calls == 2


async def test_the_bulkhead_waits_a_bounded_time_for_a_slot(
    scripted: Scripted, http: HttpClient
) -> None:
    scripted.delay = 0.1
    client = guarded(http, bulkhead=BulkheadPolicy(max_concurrent=1, max_wait=1.0))
    responses = await asyncio.gather(*(client.fetch(request(scripted)) for _ in range(3)))
    assert [r.status for r in responses] == [200] * 3
    assert client.view()[0].in_flight == 0
