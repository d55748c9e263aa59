"""The subgraph client a generation uses, built from the config: the pooled HTTP client (lean
for http://, aiohttp for https://; or the caller's), wrapped in the guards and recorders the
config turns on, each only when configured (resilience, trust, in-flight sharing, tracing,
subgraph rate limits, response header rules, the access log). A reload whose settings are the
same keeps the stack and its pooled connections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.config import GatewayConfig
from gateway.edge.subgraph_limit import RateLimitedClient
from gateway.resilience import ResilientClient
from gateway.transport.base import SubgraphClient
from gateway.transport.http import HttpClient, HttpTimeouts
from gateway.transport.response_headers import CollectingClient
from gateway.transport.sharing import SharingClient
from gateway.transport.trust import TrustClient

from .access_log import RecordingClient
from .live import ClientStack

if TYPE_CHECKING:
    from gateway.redis.state import SharedState
    from gateway.telemetry.runtime import Telemetry

__all__ = ["SharingPolicy", "client_settings", "client_stack", "sharing_policy"]


def client_stack(
    config: GatewayConfig,
    given: SubgraphClient | None,
    previous: ClientStack | None,
    telemetry: Telemetry | None = None,
    shared: SharedState | None = None,
) -> ClientStack:
    settings = client_settings(config)
    if previous is not None and previous.settings == settings:
        return previous
    owned: HttpClient | None = None
    resilience = config.resilience
    # resilience: guards (retries, breaker, bulkhead) only when configured; none costs nothing
    resilient = None
    # observability: breaker, retry and bulkhead events to the metrics (None: metrics off)
    observer = None
    if telemetry is not None and not resilience.policies.empty:
        observer = telemetry.resilience_observer()
    client = given
    if client is not None and telemetry is not None:
        client = telemetry.wrap_client(client)
    if client is None:
        connect = resilience.connect_timeout or config.connect_timeout
        owned = HttpClient(
            timeouts=HttpTimeouts(total=config.subgraph_timeout, connect=connect),
            limit_per_host=config.subgraph_connections,
            subgraph_timeouts=config.subgraph_timeouts,
            max_response_bytes=config.max_subgraph_response_bytes,
            subgraph_max_response_bytes=config.subgraph_max_response_bytes,
            tls=config.trust.tls if config.trust else None,
            subgraph_connect_timeouts=resilience.connect_timeouts,
            pool_idle_timeout=resilience.pool_idle_timeout,
            lean=config.subgraph_http_client == "lean",
        )
        client = owned
        if not resilience.policies.empty:
            # resilience: the guards sit right on the HTTP client (a retry is one more send)
            client = resilient = ResilientClient(owned, resilience.policies, observer)
        if config.trust is not None and config.trust.active:
            client = TrustClient(client, config.trust)  # tokens, signatures, compression
        # shared calls would hand one client's Set-Cookie to another: not with response rules
        policy = sharing_policy(config) if config.response_headers.empty else None
        # traced under the sharing: one shared call, one span, one traceparent
        base = telemetry.wrap_client(client) if telemetry is not None else client
        if policy is None:
            client = base
        else:
            client = SharingClient(
                base,
                unshared=policy.unshared,
                only=policy.only,
                group_limit=config.share_inflight_group_limit,
            )
    elif not resilience.policies.empty:
        client = resilient = ResilientClient(client, resilience.policies, observer)
    if config.edge is not None and config.edge.limits_subgraphs:  # edge: outgoing limits
        # shared state: the buckets in Redis with fedgate.rate_limit_store
        buckets = shared.buckets(config.shared_state) if shared is not None else None
        client = RateLimitedClient(client, config.edge, buckets)
    if not config.response_headers.empty:
        client = CollectingClient(client)
    if config.access_log:
        client = RecordingClient(client)
    return ClientStack(client, owned, settings, resilient)


def sharing_policy(config: GatewayConfig) -> SharingPolicy | None:
    """Which subgraphs' identical in-flight calls are shared, or None for none:
    ``share_inflight_requests`` (``traffic_shaping.all.deduplicate_query``) for every
    subgraph, each ``traffic_shaping.subgraphs.<name>.deduplicate_query`` over it."""
    per = config.subgraph_sharing
    if config.share_inflight_requests:
        return SharingPolicy(unshared=frozenset(name for name, on in per.items() if not on))
    only = frozenset(name for name, on in per.items() if on)
    return SharingPolicy(only=only) if only else None


@dataclass(frozen=True, slots=True)
class SharingPolicy:
    unshared: frozenset[str] = frozenset()
    only: frozenset[str] | None = None


def client_settings(config: GatewayConfig) -> tuple[object, ...]:
    """What the subgraph client is built from: a reload that changes none keeps it (and its
    pooled connections)."""
    return (
        config.subgraph_timeout,
        config.connect_timeout,
        config.subgraph_connections,
        tuple(sorted(config.subgraph_timeouts.items())),
        config.max_subgraph_response_bytes,
        tuple(sorted(config.subgraph_max_response_bytes.items())),
        config.share_inflight_requests,
        config.share_inflight_group_limit,
        tuple(sorted(config.subgraph_sharing.items())),
        config.subgraph_http_client,
        config.response_headers.empty,
        config.access_log,
        config.trust,
        # edge: the subgraph rate limits (their buckets live with the client)
        (config.edge.all_subgraphs_rate_limit, config.edge.subgraph_rate_limits)
        if config.edge is not None
        else None,
        config.resilience,
        # shared state: where the subgraph rate limits keep their buckets
        config.shared_state.rate_limits if config.shared_state is not None else None,
    )
