"""A failed subgraph call leaves no reference cycles behind: its exceptions, tracebacks and
frames are freed by reference counting as soon as the failure is data (the soak's heap growth
during outages was these cycles waiting for a rare full collection)."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from types import FrameType

import pytest

from gateway.context import RequestContext
from gateway.execution.subgraph_call import call_subgraph
from gateway.resilience import (
    BreakerPolicy,
    ResiliencePolicies,
    ResilientClient,
    RetryPolicy,
    SubgraphPolicy,
)
from gateway.transport.base import SubgraphRequest
from gateway.transport.http import HttpClient, HttpTimeouts
from gateway.transport.sharing import SharingClient
from tests.services import free_port

from .conftest import Scripted

pytestmark = pytest.mark.anyio


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def cycles_in_our_frames() -> Counter[str]:
    """The gateway's functions whose frames the cyclic collector finds unreachable now."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        return Counter(
            o.f_code.co_qualname
            for o in gc.garbage
            if isinstance(o, FrameType) and "/gateway/" in o.f_code.co_filename
        )
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


async def test_refused_calls_through_retries_and_breaker_leave_no_cycles(
    collector_off: None,
) -> None:
    http = HttpClient(timeouts=HttpTimeouts(total=1, connect=1))
    policy = SubgraphPolicy(
        retry=RetryPolicy(max_attempts=2, initial_backoff=0.001, max_backoff=0.002),
        breaker=BreakerPolicy(consecutive_failures=3, open_duration=60),
    )
    client = SharingClient(ResilientClient(http, ResiliencePolicies(policy)))
    url = f"http://127.0.0.1:{free_port()}/graphql"  # nothing listens: refused
    try:
        codes = Counter()
        for _ in range(20):  # refused, retried, then the breaker opens: both kinds of failure
            request = SubgraphRequest("s", url, {"query": "{ok}"}, context=RequestContext())
            result = await call_subgraph(client, request)
            assert result.failure is not None
            codes[result.failure.code] += 1
        assert codes["SUBREQUEST_HTTP_ERROR"] >= 1 and codes["SUBGRAPH_CIRCUIT_OPEN"] >= 1
        assert cycles_in_our_frames() == Counter()
    finally:
        await http.close()


@pytest.mark.parametrize("fault", ["timeout", "cut"])
async def test_timed_out_and_cut_calls_leave_no_cycles(
    fault: str, scripted: Scripted, collector_off: None
) -> None:
    http = HttpClient(timeouts=HttpTimeouts(total=0.2, connect=1))
    retry = RetryPolicy(max_attempts=2, initial_backoff=0.001, max_backoff=0.002)
    client = SharingClient(ResilientClient(http, ResiliencePolicies(SubgraphPolicy(retry=retry))))
    url = scripted.url if fault == "timeout" else scripted.url.replace("/graphql", "/cut")
    scripted.delay = 1.0 if fault == "timeout" else 0.0
    try:
        for _ in range(3):
            request = SubgraphRequest("s", url, {"query": "{ok}"}, context=RequestContext())
            result = await call_subgraph(client, request)
            assert result.failure is not None
        assert scripted.calls >= 3
        assert cycles_in_our_frames() == Counter()
    finally:
        await http.close()
