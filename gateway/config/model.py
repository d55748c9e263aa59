"""The configuration as frozen dataclasses: what the runtime reads, whatever file it came from.

``GatewayConfig`` is flat where fedgate had flat keys (so code that builds one by hand keeps
working) and holds one small record per Apollo Router section (``cors``, ``csrf``, ...).
Defaults are the production ones: introspection, GraphiQL and query-plan exposure are off
(``fedgate dev`` and ``fedgate serve --dev`` turn them on).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from gateway.errors import ConfigError
from gateway.planner.budget import DEFAULT_LIMITS, Limits
from gateway.transport.headers import NO_HEADER_RULES, HeaderRules
from gateway.transport.response_headers import NO_RESPONSE_HEADER_RULES, ResponseHeaderRules
from gateway.transport.trust import TrustConfig

from .auth import DEFAULT_AUTHORIZATION, AuthorizationConfig, JwtConfig
from .conditions import Condition
from .defer import DeferConfig
from .edge_model import EdgeConfig
from .events import EventsConfig
from .query_planning import APOLLO_QUERY_PLANNING, QueryPlanningConfig
from .resilience import ResilienceConfig
from .shared_state import SharedStateConfig
from .subscription import SubscriptionConfig
from .telemetry import TelemetryConfig

if TYPE_CHECKING:
    from .entity_cache import EntityCacheConfig

__all__ = [
    "STUDIO_ORIGIN",
    "CoprocessorConfig",
    "CoprocessorStage",
    "CorsConfig",
    "CorsPolicy",
    "CsrfConfig",
    "GatewayConfig",
    "HealthCheck",
    "PluginSpec",
    "SubgraphErrors",
]

# Apollo Router's default CORS policy lets only Apollo Studio's Explorer in.
STUDIO_ORIGIN = "https://studio.apollographql.com"


def _frozen_map(value: Mapping[str, object]) -> MappingProxyType[str, object]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True, slots=True)
class PluginSpec:
    """``fedgate.plugins[]``: a Python plugin class by dotted path, and its own config."""

    path: str
    config: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class CoprocessorStage:
    """One coprocessor stage: the parts sent (``headers``, ``body``, ``context``, ...), its
    ``condition`` (called only when it holds), its own ``url``, and for ``context:
    {selective: [...]}`` the keys sent (``None``: every entry)."""

    sent: frozenset[str]
    condition: Condition | None = None
    url: str | None = None
    context_keys: frozenset[str] | None = None
    # detached: sent without waiting; the answer is not applied
    detached: bool = False


@dataclass(frozen=True, slots=True)
class CoprocessorConfig:
    """Apollo Router's ``coprocessor``: the URL, the timeout, the client settings, and the
    stages. A stage that is ``None`` is not called."""

    url: str
    timeout: float = 1.0
    router_request: CoprocessorStage | None = None
    router_response: CoprocessorStage | None = None
    subgraph_request: CoprocessorStage | None = None
    subgraph_response: CoprocessorStage | None = None
    supergraph_request: CoprocessorStage | None = None
    supergraph_response: CoprocessorStage | None = None
    execution_request: CoprocessorStage | None = None
    execution_response: CoprocessorStage | None = None
    # client.dns_resolution_strategy (Apollo's default: IPv4 addresses first)
    dns_resolution_strategy: str = "ipv4_then_ipv6"


@dataclass(frozen=True, slots=True)
class CorsPolicy:
    """One ``cors.policies`` entry; ``None`` fields fall back to the ``cors`` level's."""

    origins: tuple[str, ...] = ()
    match_origins: tuple[re.Pattern[str], ...] = ()
    allow_credentials: bool | None = None
    allow_headers: tuple[str, ...] | None = None
    expose_headers: tuple[str, ...] | None = None
    methods: tuple[str, ...] | None = None
    max_age: float | None = None


@dataclass(frozen=True, slots=True)
class CorsConfig:
    """Apollo Router 2.x ``cors``. An empty ``allow_headers`` mirrors the preflight's
    ``Access-Control-Request-Headers`` (as Apollo Router does)."""

    allow_any_origin: bool = False
    allow_credentials: bool = False
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    methods: tuple[str, ...] = ("GET", "POST", "OPTIONS")
    max_age: float | None = None
    policies: tuple[CorsPolicy, ...] = (CorsPolicy(origins=(STUDIO_ORIGIN,)),)

    def __post_init__(self) -> None:
        if self.allow_any_origin and self.allow_credentials:
            raise ConfigError(
                "cors: allow_credentials cannot be combined with allow_any_origin "
                "(browsers refuse credentials with Access-Control-Allow-Origin: *)"
            )


@dataclass(frozen=True, slots=True)
class CsrfConfig:
    """Apollo Router's ``csrf``: a GET, or a POST with a simple content type, must carry one
    of ``required_headers`` (non-empty), which a browser only sends after a preflight."""

    unsafe_disabled: bool = False
    required_headers: tuple[str, ...] = ("x-apollo-operation-name", "apollo-require-preflight")


@dataclass(frozen=True, slots=True)
class HealthCheck:
    """``listen``: a separate address for the health check (Apollo's); ``None``: served on
    the GraphQL listener."""

    enabled: bool = True
    path: str = "/health"
    listen: str | None = None

    @property
    def host_port(self) -> tuple[str, int] | None:
        if self.listen is None:
            return None
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]") or "127.0.0.1", int(port)


@dataclass(frozen=True, slots=True)
class SubgraphErrors:
    """Apollo Router's ``include_subgraph_errors``: per subgraph, whether its error messages
    reach clients (a subgraph's own entry wins over ``all``)."""

    all: bool = False
    subgraphs: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "subgraphs", _frozen_map(self.subgraphs))

    def included(self, subgraph: str) -> bool:
        return self.subgraphs.get(subgraph, self.all)


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    # supergraph.listen / supergraph.path; the command line's --host/--port win
    listen: str = "127.0.0.1:4000"
    path: str = "/graphql"
    # override_subgraph_url
    subgraph_urls: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # traffic_shaping.all.timeout and per-subgraph timeouts (seconds, whole request)
    subgraph_timeout: float = 30.0
    subgraph_timeouts: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    # traffic_shaping.router.timeout: the request's deadline (seconds)
    router_timeout: float | None = None
    connect_timeout: float = 5.0
    subgraph_connections: int = 128
    operation_cache_size: int = 1024
    # off in production; `fedgate dev` / `--dev` turn them on
    expose_query_plan: bool = False
    introspection: bool = False
    graphiql: bool = False
    # plan queries in waves and send each wave's entity fetches to a subgraph as one request
    batch_fetches: bool = True
    # identical subgraph requests in flight at the same time share one call (never mutations)
    share_inflight_requests: bool = True
    # at most this many identical in-flight requests share one call (None: no limit)
    share_inflight_group_limit: int | None = None
    # traffic_shaping.subgraphs.<name>.deduplicate_query: per subgraph, over the above
    subgraph_sharing: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))
    # opt-in: identical client queries in flight at the same time share one execution
    share_inflight_client_requests: bool = False
    # the client plain http:// subgraph calls go through: "lean" (httptools, decision 0034)
    # or "aiohttp" (https:// always goes through aiohttp)
    subgraph_http_client: str = "lean"
    # progressive @override labels turned on for every request (besides percent(N) rolls)
    override_labels: tuple[str, ...] = ()
    # fedgate.access_log.enabled: one JSON line per GraphQL request (gateway/server/access_log.py)
    access_log: bool = False
    # which client headers reach which subgraph (Apollo Router's ``headers`` rules)
    headers: HeaderRules = NO_HEADER_RULES
    # which subgraph response headers reach the client (``headers.*.response``)
    response_headers: ResponseHeaderRules = NO_RESPONSE_HEADER_RULES
    cors: CorsConfig = CorsConfig()
    csrf: CsrfConfig = CsrfConfig()
    health_check: HealthCheck = HealthCheck()
    include_subgraph_errors: SubgraphErrors = SubgraphErrors()
    # limits: operation budgets, and the request body (Apollo: http_max_request_bytes)
    limits: Limits = DEFAULT_LIMITS
    max_request_bytes: int = 2_000_000
    # limits.subgraph.all / .subgraphs.<name>.http_max_response_size (None: no limit)
    max_subgraph_response_bytes: int | None = 50 * 2**20
    subgraph_max_response_bytes: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # fedgate.plugins (Python plugins) and Apollo's coprocessor; none by default
    plugins: tuple[PluginSpec, ...] = ()
    coprocessor: CoprocessorConfig | None = None
    # trust: tls.subgraph, authentication.subgraph, fedgate.subgraph_auth, compression
    trust: TrustConfig | None = None
    # subscriptions (Apollo's `subscription`, fedgate.subscription); off by default
    subscription: SubscriptionConfig = field(default_factory=SubscriptionConfig)
    # @defer: supergraph.defer_support (gateway/config/defer.py); on by default, as Apollo's
    defer: DeferConfig = field(default_factory=DeferConfig)
    # events: message brokers feeding @edfs__ fields (fedgate.events); None: none
    events: EventsConfig | None = None
    # supergraph.query_planning (plan-cache warming on hot reload)
    query_planning: QueryPlanningConfig = APOLLO_QUERY_PLANNING
    # JWT authentication (None: off) and the authorization directives (gateway/auth/)
    authentication: JwtConfig | None = None
    authorization: AuthorizationConfig = DEFAULT_AUTHORIZATION
    # fedgate.shutdown_grace_period: SIGTERM drains in-flight requests this long at most
    shutdown_grace_period: float = 30.0
    # fedgate.supergraph_poll_interval: a --supergraph URL is polled (If-None-Match) this often
    supergraph_poll_interval: float = 10.0
    # edge: demand control, APQ, persisted queries, rate limits, client_access (None: APQ
    # on with Apollo's defaults, nothing else)
    edge: EdgeConfig | None = None
    # shared state: APQ, plan cache and rate limit buckets in Redis (None: all in memory)
    shared_state: SharedStateConfig | None = None
    # observability: telemetry.exporters (traces, Prometheus metrics, logs); None: all off
    telemetry: TelemetryConfig | None = None
    # resilience: retries, circuit breakers, bulkheads, connect timeouts, pool idle time and
    # the subgraph health view (gateway/config/resilience.py, docs/resilience.md)
    resilience: ResilienceConfig = field(default_factory=ResilienceConfig)
    # entity cache: preview_entity_cache / response_cache (gateway/config/entity_cache.py,
    # docs/entity-cache.md); None: off
    entity_cache: EntityCacheConfig | None = None

    def __post_init__(self) -> None:
        # Read-only copies: the config stays immutable even when built from plain dicts.
        object.__setattr__(self, "subgraph_urls", _frozen_map(self.subgraph_urls))
        object.__setattr__(self, "override_labels", tuple(self.override_labels))
        object.__setattr__(self, "plugins", tuple(self.plugins))
        object.__setattr__(self, "subgraph_timeouts", _frozen_map(self.subgraph_timeouts))
        object.__setattr__(
            self, "subgraph_max_response_bytes", _frozen_map(self.subgraph_max_response_bytes)
        )
        timeouts = [self.subgraph_timeout, self.connect_timeout, *self.subgraph_timeouts.values()]
        timeouts += [self.shutdown_grace_period, self.supergraph_poll_interval]
        if self.router_timeout is not None:
            timeouts.append(self.router_timeout)
        if any(t <= 0 for t in timeouts):
            raise ConfigError("timeouts must be positive numbers of seconds")
        if self.subgraph_connections < 1:
            raise ConfigError("subgraph_connections must be at least 1")
        if self.subgraph_http_client not in ("lean", "aiohttp"):
            raise ConfigError("fedgate.subgraph_http_client must be lean or aiohttp")
        if self.operation_cache_size < 0:
            raise ConfigError("operation_cache_size must not be negative")
        if self.max_request_bytes < 1:
            raise ConfigError("limits.http_max_request_bytes must be at least 1")
        if not self.path.startswith("/"):
            raise ConfigError(f"supergraph.path must start with '/', got {self.path!r}")

    def resolve_urls(self, graphs: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Subgraph name → URL: the supergraph's, overridden by config and environment."""
        return {name: self.subgraph_urls.get(name, url) for name, url in graphs}

    @property
    def host_port(self) -> tuple[str, int]:
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]") or "127.0.0.1", int(port)
