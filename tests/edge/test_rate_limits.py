"""Rate limits and the client address allow-list under concurrent load, through a
uvicorn-served gateway: exactly the bucket's tokens pass, the rest get 429 with Retry-After
and REQUEST_RATE_LIMITED; subgraph limits fail the fetch, not the request."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.config.edge_model import ClientKey, ClientRateLimit, EdgeConfig, RateLimit
from gateway.context import RequestContext
from gateway.edge.admission import Admission
from gateway.edge.store import MemoryBuckets

from .served import config_from, serve

pytestmark = pytest.mark.anyio
QUERY = {"query": "{ product(id: 1) { name } }"}


async def burst(
    url: str, count: int, headers: dict[str, str] | None = None
) -> list[httpx.Response]:
    """``count`` requests at once (bounded: 10 s for all of them)."""
    async with httpx.AsyncClient(timeout=10) as client:
        sent = [
            client.post(url, json=QUERY, headers={"accept": "application/json", **(headers or {})})
            for _ in range(count)
        ]
        return list(await asyncio.wait_for(asyncio.gather(*sent), 10))


def passed(responses: list[httpx.Response]) -> int:
    return sum(r.status_code == 200 for r in responses)


def check_refusals(responses: list[httpx.Response]) -> None:
    for r in responses:
        if r.status_code == 200:
            assert r.json()["data"] == {"product": {"name": "p1"}}
            continue
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) >= 1
        [error] = r.json()["errors"]
        assert error["extensions"]["code"] == "REQUEST_RATE_LIMITED"


async def test_the_router_limit_lets_capacity_requests_through(tmp_path: Path) -> None:
    yaml = (
        "traffic_shaping:\n  router:\n"
        "    global_rate_limit:\n      capacity: 5\n      interval: 60s\n"
    )
    with serve(config_from(tmp_path, yaml)) as served:
        responses = await burst(served.url, 40)
        assert passed(responses) == 5
        check_refusals(responses)
        assert len(served.subgraph.requests) == 5


PER_CLIENT = """\
fedgate:
  rate_limit:
    per_client:
      key: {{header: x-api-key}}
      capacity: {capacity}
      interval: {interval}
{burst}"""


async def test_per_client_limits_count_each_key_apart(tmp_path: Path) -> None:
    yaml = PER_CLIENT.format(capacity=3, interval="60s", burst="")
    with serve(config_from(tmp_path, yaml)) as served:
        a, b, anonymous = await asyncio.gather(
            burst(served.url, 12, {"x-api-key": "a"}),
            burst(served.url, 12, {"x-api-key": "b"}),
            burst(served.url, 12),  # no header: keyed by the client address
        )
        assert [passed(a), passed(b), passed(anonymous)] == [3, 3, 3]
        for responses in (a, b, anonymous):
            check_refusals(responses)


async def test_burst_lets_more_than_capacity_through_at_once(tmp_path: Path) -> None:
    yaml = PER_CLIENT.format(capacity=1, interval="60s", burst="      burst: 3\n")
    with serve(config_from(tmp_path, yaml)) as served:
        assert passed(await burst(served.url, 10, {"x-api-key": "a"})) == 3


async def test_the_bucket_refills_at_capacity_per_interval_up_to_burst() -> None:
    now = [0.0]
    buckets = MemoryBuckets(clock=lambda: now[0])
    taken = [await buckets.take("k", 2, 20.0) for _ in range(3)]
    assert taken[:2] == [0.0, 0.0] and taken[2] == pytest.approx(0.05)
    now[0] = 0.5  # ten tokens' worth of time, but the bucket holds two
    taken = [await buckets.take("k", 2, 20.0) for _ in range(3)]
    assert taken[:2] == [0.0, 0.0] and taken[2] > 0
    now[0] = 0.55
    assert await buckets.take("k", 2, 20.0) == 0.0
    assert await buckets.take("other", 2, 20.0) == 0.0  # keys apart


async def test_a_subgraph_limit_fails_the_fetch_with_a_coded_error(tmp_path: Path) -> None:
    yaml = (
        "traffic_shaping:\n  subgraphs:\n    shop:\n"
        "      global_rate_limit:\n        capacity: 2\n        interval: 60s\n"
    )
    with serve(config_from(tmp_path, yaml)) as served:
        responses = await burst(served.url, 8)
        assert all(r.status_code == 200 for r in responses)
        bodies = [r.json() for r in responses]
        assert sum(b["data"] == {"product": {"name": "p1"}} for b in bodies) == 2
        limited = [b for b in bodies if "errors" in b]
        assert len(limited) == 6
        for body in limited:
            assert body["data"] == {"product": None}
            assert body["errors"][0]["extensions"]["code"] == "REQUEST_RATE_LIMITED"
        assert len(served.subgraph.requests) == 2


ACCESS = """\
fedgate:
  client_access:
    allow: [10.0.0.0/8, "2001:db8::/32"]
{trusted}"""


async def test_the_allow_list_refuses_other_addresses(tmp_path: Path) -> None:
    with serve(config_from(tmp_path, ACCESS.format(trusted=""))) as served:
        # X-Forwarded-For is not believed from a proxy nobody trusts
        [r] = await burst(served.url, 1, {"x-forwarded-for": "10.1.2.3"})
        assert r.status_code == 403
        assert r.json()["errors"][0]["extensions"]["code"] == "CLIENT_ADDRESS_NOT_ALLOWED"
        assert served.subgraph.requests == []


async def test_x_forwarded_for_counts_from_trusted_proxies_only(tmp_path: Path) -> None:
    trusted = "    trusted_proxies: [127.0.0.1/32, 192.168.0.0/16]\n"
    with serve(config_from(tmp_path, ACCESS.format(trusted=trusted))) as served:
        cases: list[tuple[str, int]] = [
            ("10.1.2.3", 200),
            ("10.1.2.3, 192.168.1.1", 200),  # through two trusted proxies
            ("10.1.2.3, 172.16.0.1", 403),  # the untrusted hop is the client
            ("172.16.0.1, 10.1.2.3", 200),  # a forged left-most entry is not believed
            ("2001:db8::1", 200),
            ("not-an-address", 403),
        ]
        for forwarded, status in cases:
            [r] = await burst(served.url, 1, {"x-forwarded-for": forwarded})
            assert (forwarded, r.status_code) == (forwarded, status)


def test_a_claim_key_reads_the_authenticated_claims_and_falls_back_to_the_address() -> None:
    limit = ClientRateLimit(ClientKey("claim", "sub"), RateLimit(1, 1.0))
    admission = Admission(EdgeConfig(client_rate_limit=limit))
    anonymous = RequestContext.create(client=("10.0.0.7", 5555))
    assert admission.client_key(limit, anonymous) == "address:10.0.0.7"
    signed_in = anonymous.with_claims({"sub": "user-42", "scope": "read"})
    assert admission.client_key(limit, signed_in) == "claim:user-42"


def test_retry_after_says_when_the_next_token_comes() -> None:
    admission = Admission(
        EdgeConfig(router_rate_limit=RateLimit(capacity=1, interval=30.0)),
    )

    async def twice() -> Any:
        first = await admission.at_the_door("127.0.0.1", {})
        started = time.monotonic()
        second = await admission.at_the_door("127.0.0.1", {})
        return first, second, time.monotonic() - started

    first, second, _ = asyncio.run(twice())
    assert first is None
    assert second is not None and second.status == 429
    assert 29 <= int(second.headers["retry-after"]) <= 30
