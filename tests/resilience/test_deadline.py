"""The client request's remaining deadline bounds each subgraph call and the retries."""

from __future__ import annotations

import time

import pytest

from gateway.context import RequestContext
from gateway.resilience import ResiliencePolicies, ResilientClient, RetryPolicy, SubgraphPolicy
from gateway.transport.base import SubgraphRequest, TransportError
from gateway.transport.http import HttpClient, HttpTimeouts

from .conftest import Scripted

pytestmark = pytest.mark.anyio


async def test_no_subgraph_call_outlives_the_clients_deadline(scripted: Scripted) -> None:
    scripted.delay = 3.0
    client = HttpClient(timeouts=HttpTimeouts(total=10, connect=5))
    context = RequestContext.create(timeout=0.3)
    started = time.monotonic()
    try:
        with pytest.raises(TransportError) as info:
            await client.fetch(
                SubgraphRequest("s", scripted.url, {"query": "{ok}"}, context=context)
            )
    finally:
        await client.close()
    assert info.value.code == "GATEWAY_TIMEOUT"
    assert time.monotonic() - started < 1.0


async def test_retries_stop_when_the_deadline_has_no_room(scripted: Scripted) -> None:
    scripted.script = [(503, {})] * 10
    http = HttpClient()
    policy = RetryPolicy(max_attempts=10, initial_backoff=0.2, max_backoff=0.2)
    client = ResilientClient(http, ResiliencePolicies(SubgraphPolicy(retry=policy)))
    context = RequestContext.create(timeout=0.35)
    started = time.monotonic()
    try:
        request = SubgraphRequest("s", scripted.url, {"query": "{ok}"}, context=context)
        assert (await client.fetch(request)).status == 503
    finally:
        await http.close()
    assert time.monotonic() - started < 0.5
    assert 1 < scripted.calls < 10
