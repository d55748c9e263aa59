"""``router.yaml``: Apollo Router 2.x's configuration keys, names and semantics, for every
feature fedgate shares; fedgate's own settings under ``fedgate:``.

``ROUTER_SCHEMA`` describes the file (checks and JSON Schema); ``build`` turns a checked file
into a ``GatewayConfig``. Where fedgate deliberately differs from Apollo Router it says so in a
comment: ``supergraph.path`` defaults to ``/graphql`` (Apollo: ``/``), health checks are
served on the GraphQL listener.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import Any

from gateway.errors import ConfigError
from gateway.planner.budget import DEFAULT_LIMITS
from gateway.transport.body_path import parse_path
from gateway.transport.headers import (
    CONTEXT_VALUES,
    RESERVED,
    HeaderRule,
    HeaderRules,
    Insert,
    Propagate,
    Remove,
)
from gateway.transport.response_headers import (
    ResponseHeaderRules,
    ResponsePropagate,
    ResponseRule,
)

from .auth import (
    AUTHORIZATION,
    FEDGATE_AUTHENTICATION,
    JWT_ROUTER,
    authentication_config,
    authorization_config,
)
from .coprocessor import COPROCESSOR, coprocessor_config
from .defer import DEFER_SUPPORT, defer_config
from .edge import (
    APQ,
    DEMAND_CONTROL,
    FEDGATE_EDGE_KEYS,
    GLOBAL_RATE_LIMIT,
    PERSISTED_QUERIES,
    edge_config,
)
from .entity_cache import ENTITY_CACHE, FEDGATE_ENTITY_CACHE, entity_cache_config
from .events import FEDGATE_EVENTS, events_config
from .model import (
    CorsConfig,
    CorsPolicy,
    CsrfConfig,
    GatewayConfig,
    HealthCheck,
    PluginSpec,
    SubgraphErrors,
)
from .query_planning import QUERY_PLANNING, query_planning_config
from .resilience import EXPERIMENTAL_RETRY, FEDGATE_RESILIENCE_KEYS, resilience_config
from .schema import (
    Anything,
    Bool,
    Duration,
    Int,
    Kind,
    ListOf,
    MapOf,
    Obj,
    OneKey,
    Regex,
    Size,
    Str,
    Unsupported,
)
from .shared_state import FEDGATE_SHARED_STATE_KEYS, shared_state_config
from .source import Source
from .subscription import FEDGATE_SUBSCRIPTION, SUBSCRIPTION, subscription_config
from .telemetry import TELEMETRY, telemetry_config
from .trust import AUTHENTICATION, COMPRESSION, TLS, TRUST_FEDGATE_KEYS, trust_config

__all__ = ["FEDGATE_KEYS", "ROUTER_SCHEMA", "build"]

_DEFAULT_LISTEN = GatewayConfig().listen

_LISTEN = Str("address:port to listen on", pattern=r"(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}")
_HEADER_NAME = Str(pattern=r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")

_PROPAGATE = Obj(
    {
        "named": _HEADER_NAME,
        "rename": _HEADER_NAME,
        "default": Str("value when the client sent none"),
        "matching": Regex("every client header whose name matches"),
    },
    "copy client request headers",
)
_INSERT = Obj(
    {
        "name": _HEADER_NAME,
        "value": Str("a static value"),
        "from_context": Str(f"a context entry (Apollo), or fedgate's {', '.join(CONTEXT_VALUES)}"),
        "path": Str("a JSON path into the GraphQL request body, such as .operationName"),
        "default": Str("with path: the value when the body has none there"),
    },
    "set a header",
    required=("name",),
)
_REMOVE = Obj({"named": _HEADER_NAME, "matching": Regex()}, "drop headers set by earlier rules")
_RULES = ListOf(OneKey({"propagate": _PROPAGATE, "insert": _INSERT, "remove": _REMOVE}))
_RESPONSE_PROPAGATE = Obj(
    {
        **_PROPAGATE.fields,
        "algorithm": Str("first, last (default) or append", pattern="first|last|append"),
    },
    "copy a subgraph response header to the client",
)
_RESPONSE_RULES = ListOf(
    OneKey(
        {
            "propagate": _RESPONSE_PROPAGATE,
            "insert": Obj({"name": _HEADER_NAME, "value": Str()}, required=("name", "value")),
            "remove": _REMOVE,
        }
    ),
    "subgraph response headers to the client (Hive Router's shape)",
)
_HEADER_SET = Obj({"request": _RULES, "response": _RESPONSE_RULES})
_STRS = ListOf(Str())
_CORS_COMMON: dict[str, Kind] = {
    "allow_credentials": Bool(),
    "allow_headers": _STRS,
    "expose_headers": _STRS,
    "methods": _STRS,
    "max_age": Duration(),
}
_POLICY = Obj({"origins": _STRS, "match_origins": ListOf(Regex()), **_CORS_COMMON})
_TIMEOUT = Obj(
    {
        "timeout": Duration(),
        "deduplicate_query": Bool(
            "identical in-flight requests share one call (fedgate: on unless false)"
        ),
        "compression": COMPRESSION,
        "global_rate_limit": GLOBAL_RATE_LIMIT,  # edge: rate limits
        "experimental_retry": EXPERIMENTAL_RETRY,  # resilience
    },
    "per-subgraph traffic shaping: timeouts, compression, rate limits, retries (fedgate's "
    "breaker and bulkhead: fedgate.traffic_shaping)",
)
_ROUTER_LIMITS: dict[str, Kind] = {
    "http_max_request_bytes": Int("request body bytes (default 2000000)", minimum=1),
    "max_depth": Int(minimum=1),
    "max_aliases": Int(minimum=1),
    "max_recursive_selections": Int(minimum=1),
    "parser_max_tokens": Int(minimum=1),
    "max_height": Int("fields, once per response key in a selection set", minimum=1),
    "max_root_fields": Int("root fields (response keys), through fragments", minimum=1),
    "parser_max_recursion": Int("bracket nesting in the text (default 500)", minimum=1),
    "warn_only": Bool("log Apollo's operation limits instead of refusing"),
    "http1_max_request_headers": Unsupported("HTTP/1 header limits"),
    "http1_max_request_buf_size": Unsupported("HTTP/1 buffer limits"),
    "http2_max_headers_list_bytes": Unsupported("HTTP/2 header limits"),
}
_RESPONSE_SIZE = Obj({"http_max_response_size": Size("response body bytes")})
_SHAPING_UNSUPPORTED = Unsupported("traffic shaping beyond timeouts comes with resilience")

# fedgate's own settings (what gateway.yaml held, minus what Apollo Router has a key for)
FEDGATE_KEYS: dict[str, Kind] = {
    "authentication": FEDGATE_AUTHENTICATION,
    "connect_timeout": Duration("seconds to connect to a subgraph"),
    "subgraph_connections": Int("pooled keep-alive connections per subgraph host", minimum=1),
    "operation_cache_size": Int("distinct operations kept parsed and planned", minimum=0),
    "expose_query_plan": Bool("honour the Apollo-Expose-Query-Plan header"),
    "batch_fetches": Bool("plan in waves; one request per subgraph per wave"),
    "share_inflight_requests": Bool("identical in-flight subgraph requests share one call"),
    "share_inflight_group_limit": Int(
        "at most this many identical in-flight requests share one call (default: no limit)",
        minimum=1,
    ),
    "share_inflight_client_requests": Bool("identical client queries share one execution"),
    "subgraph_http_client": Str(
        "the client for http:// subgraphs: lean (default) or aiohttp", pattern="^(lean|aiohttp)$"
    ),
    "override_labels": ListOf(
        Str(), "progressive @override labels on for every request (percent(N) labels roll)"
    ),
    # Not Apollo's top-level ``plugins``: that key names Rust plugins compiled into the router
    # (``acme.my_plugin: {...}``); a file for Apollo Router must keep meaning the same thing.
    "plugins": ListOf(
        Obj(
            {
                "path": Str("the plugin class: package.module:Class", pattern=r"[\w.]+:[\w.]+"),
                "config": Anything("the plugin's own settings, passed to its constructor"),
            },
            required=("path",),
        ),
        "Python plugins, in the order their hooks run (docs/plugins.md)",
    ),
    "shutdown_grace_period": Duration("on SIGTERM, how long in-flight requests may finish"),
    "supergraph_poll_interval": Duration("how often a --supergraph URL is polled (ETag)"),
    "subscription": FEDGATE_SUBSCRIPTION,
    "events": FEDGATE_EVENTS,  # events: broker-fed fields (gateway/config/events.py)
    "access_log": Obj(
        {
            "enabled": Bool("one JSON line per GraphQL request (default false)"),
            "format": Str("the line format: json (the only one)", pattern="^json$"),
        },
        "the access log (its fields are the structured logs': docs/observability.md)",
    ),
    **TRUST_FEDGATE_KEYS,  # subgraph_tls, subgraph_auth (gateway/config/trust.py)
    **FEDGATE_EDGE_KEYS,  # edge: per-client rate limits, client_access, demand_control
    # resilience: fedgate.traffic_shaping (retries, breakers, bulkheads) and fedgate.health
    **FEDGATE_RESILIENCE_KEYS,
    "entity_cache": FEDGATE_ENTITY_CACHE,  # entity cache extras (gateway/config/entity_cache.py)
    **FEDGATE_SHARED_STATE_KEYS,  # shared state: fedgate.rate_limit_store (Redis)
}


_UNSUPPORTED = {
    name: Unsupported(doc)
    for name, doc in {
        "plugins": "Apollo Router's Rust plugins (fedgate's Python plugins: fedgate.plugins)",
        "rhai": "Rhai scripts",
        "batching": "request batching",
        "connectors": "connectors",
        "experimental_chaos": "chaos testing",
        "forbid_mutations": "forbid_mutations",
    }.items()
}

ROUTER_SCHEMA = Obj(
    {
        "supergraph": Obj(
            {
                "listen": _LISTEN,
                "path": Str("the GraphQL endpoint (fedgate's default: /graphql)", pattern="/.*"),
                "introspection": Bool("answer introspection queries (default: false)"),
                "query_planning": QUERY_PLANNING,
                "defer_support": DEFER_SUPPORT,  # @defer (gateway/config/defer.py)
            }
        ),
        "sandbox": Obj({"enabled": Bool("serve GraphiQL at the endpoint to browsers")}),
        "homepage": Obj(
            {
                "enabled": Bool("accepted for Apollo compatibility; fedgate has no homepage"),
                "graph_ref": Unsupported("GraphOS graph refs"),
            }
        ),
        "override_subgraph_url": MapOf(Str(), "subgraph name → URL"),
        "include_subgraph_errors": Obj({"all": Bool(), "subgraphs": MapOf(Bool())}),
        "headers": Obj({"all": _HEADER_SET, "subgraphs": MapOf(_HEADER_SET)}),
        "cors": Obj(
            {
                "allow_any_origin": Bool(),
                **_CORS_COMMON,
                "policies": ListOf(_POLICY),
                "private_network_access": Unsupported("private network access"),
            }
        ),
        "csrf": Obj({"unsafe_disabled": Bool(), "required_headers": _STRS}),
        "coprocessor": COPROCESSOR,
        "subscription": SUBSCRIPTION,
        # authorization directives (gateway/config/auth.py)
        "authorization": AUTHORIZATION,
        # edge: demand control, APQ, persisted queries (gateway/config/edge.py)
        "demand_control": DEMAND_CONTROL,
        "apq": APQ,
        "persisted_queries": PERSISTED_QUERIES,
        "telemetry": TELEMETRY,
        "health_check": Obj(
            {
                "enabled": Bool(),
                "path": Str(pattern="/.*"),
                "listen": _LISTEN,
            }
        ),
        "traffic_shaping": Obj(
            {
                "router": Obj({"timeout": Duration(), "global_rate_limit": GLOBAL_RATE_LIMIT}),
                "all": _TIMEOUT,
                "subgraphs": MapOf(_TIMEOUT),
                "deduplicate_variables": _SHAPING_UNSUPPORTED,
                "connector": _SHAPING_UNSUPPORTED,
            }
        ),
        "limits": Obj(
            {
                **_ROUTER_LIMITS,
                # Apollo Router 2.15+ groups the same keys under `limits.router`
                "router": Obj(_ROUTER_LIMITS, "the request limits, newer layout"),
                "subgraph": Obj(
                    {"all": _RESPONSE_SIZE, "subgraphs": MapOf(_RESPONSE_SIZE)},
                    "subgraph response body limits (default 50 MiB)",
                ),
            }
        ),
        "fedgate": Obj(FEDGATE_KEYS, "fedgate's own settings"),
        "tls": TLS,
        # authentication: of subgraph requests (trust.py), of client requests (auth.py)
        "authentication": Obj(
            {**AUTHENTICATION.fields, "router": JWT_ROUTER}, "subgraph signing and client JWTs"
        ),
        # entity cache: Apollo's two names for it (gateway/config/entity_cache.py)
        "preview_entity_cache": ENTITY_CACHE,
        "response_cache": ENTITY_CACHE,
        **_UNSUPPORTED,
    },
    "fedgate configuration (Apollo Router 2.x router.yaml keys)",
)


def build(checked: dict[str, Any], source: Source) -> GatewayConfig:
    """A ``GatewayConfig`` from a file that passed ``ROUTER_SCHEMA``."""
    values: dict[str, Any] = {}
    supergraph = checked.get("supergraph", {})
    for key, field_name in (("listen", "listen"), ("path", "path")):
        if key in supergraph:
            values[field_name] = supergraph[key]
    if "introspection" in supergraph:
        values["introspection"] = supergraph["introspection"]
    values["graphiql"] = _sandbox(checked, source)
    values["subgraph_urls"] = checked.get("override_subgraph_url", {})
    if "include_subgraph_errors" in checked:
        errors = checked["include_subgraph_errors"]
        values["include_subgraph_errors"] = SubgraphErrors(
            errors.get("all", False), errors.get("subgraphs", {})
        )
    if "headers" in checked:
        values["headers"] = _headers(checked["headers"], source)
        values["response_headers"] = _response_headers(checked["headers"], source)
    if "cors" in checked:
        values["cors"] = _cors(checked["cors"])
    if "csrf" in checked:
        values["csrf"] = _csrf(checked["csrf"])
    if "health_check" in checked:
        health = checked["health_check"]
        graphql_listen = supergraph.get("listen", _DEFAULT_LISTEN)
        if health.get("listen") is not None and health["listen"] == graphql_listen:
            where = source.where(("health_check", "listen"))
            raise ConfigError(
                f"{where}: health_check.listen is the GraphQL listener's address; leave it "
                "out to serve the health check there"
            )
        values["health_check"] = HealthCheck(**health)
    values.update(_traffic_shaping(checked.get("traffic_shaping", {})))
    values.update(_limits(checked.get("limits", {})))
    values["trust"] = trust_config(checked, source)
    fedgate = {k: v for k, v in checked.get("fedgate", {}).items() if k not in TRUST_FEDGATE_KEYS}
    # authentication and authorization (gateway/config/auth.py)
    fedgate_authn = fedgate.pop("authentication", {})
    if "authentication" in checked:
        values["authentication"] = authentication_config(
            checked["authentication"], fedgate_authn, source
        )
    values["authorization"] = authorization_config(checked.get("authorization", {}))
    # resilience: Apollo's traffic_shaping retry keys and fedgate's own, in one record
    values["resilience"] = resilience_config(checked, source)
    for key in FEDGATE_RESILIENCE_KEYS:
        fedgate.pop(key, None)
    if "access_log" in fedgate:
        fedgate["access_log"] = fedgate["access_log"].get("enabled", False)
    values["plugins"] = tuple(
        PluginSpec(p["path"], MappingProxyType(dict(p.get("config") or {})))
        for p in fedgate.pop("plugins", [])
    )
    subscription_extras = fedgate.pop("subscription", {})
    if "events" in fedgate:  # events: message brokers (gateway/config/events.py)
        values["events"] = events_config(fedgate.pop("events"), source)
    # entity cache: preview_entity_cache / response_cache and fedgate.entity_cache
    values["entity_cache"] = entity_cache_config(checked, fedgate.pop("entity_cache", {}), source)
    for key in FEDGATE_EDGE_KEYS:  # edge: read by edge_config below
        fedgate.pop(key, None)
    for key in FEDGATE_SHARED_STATE_KEYS:  # shared state: read by shared_state_config below
        fedgate.pop(key, None)
    values["shared_state"] = shared_state_config(checked, source)
    values.update(fedgate)
    values["edge"] = edge_config(checked, source)
    if "subscription" in checked or subscription_extras:
        raw = checked.get("subscription", {})
        values["subscription"] = subscription_config(raw, subscription_extras, source)
    if "query_planning" in checked.get("supergraph", {}):
        values["query_planning"] = query_planning_config(checked["supergraph"]["query_planning"])
    if "coprocessor" in checked:
        values["coprocessor"] = coprocessor_config(checked["coprocessor"], source)
    if "telemetry" in checked:
        values["telemetry"] = telemetry_config(checked["telemetry"], source)
    values["defer"] = defer_config(supergraph)  # @defer
    try:
        return GatewayConfig(**values)
    except ConfigError as exc:
        raise ConfigError(f"{source.name}: {exc.message}") from exc


def _sandbox(checked: dict[str, Any], source: Source) -> bool:
    sandbox = checked.get("sandbox", {}).get("enabled", False)
    # Apollo Router's homepage is on by default; fedgate serves none, but keeps the rule.
    homepage = checked.get("homepage", {}).get("enabled", True)
    if sandbox and homepage:
        # Apollo Router refuses this combination too: both would answer the browser's GET.
        raise ConfigError(
            f"{source.where(('sandbox', 'enabled'))}: sandbox.enabled needs homepage.enabled: false"
        )
    introspection = checked.get("supergraph", {}).get("introspection", False)
    if sandbox and not introspection:
        raise ConfigError(
            f"{source.where(('sandbox', 'enabled'))}: sandbox.enabled needs "
            "supergraph.introspection: true (GraphiQL reads the schema by introspection)"
        )
    return bool(sandbox)


def _csrf(raw: dict[str, Any]) -> CsrfConfig:
    required = raw.get("required_headers", CsrfConfig().required_headers)
    return CsrfConfig(raw.get("unsafe_disabled", False), tuple(h.lower() for h in required))


def _headers(raw: dict[str, Any], source: Source) -> HeaderRules:
    all_rules = _rules(raw.get("all", {}).get("request", []), ("headers", "all", "request"), source)
    per = {
        name: _rules(entry.get("request", []), ("headers", "subgraphs", name, "request"), source)
        for name, entry in raw.get("subgraphs", {}).items()
    }
    return HeaderRules(all_rules, per)


def _response_headers(raw: dict[str, Any], source: Source) -> ResponseHeaderRules:
    def rules(items: list[dict[str, Any]], path: tuple[str, ...]) -> list[ResponseRule]:
        out: list[ResponseRule] = []
        for i, item in enumerate(items):
            [(action, spec)] = item.items()
            where = f"{source.where((*path, i, action))}: {'.'.join(path)}[{i}].{action}"
            rule = _rule(action, {k: v for k, v in spec.items() if k != "algorithm"}, where)
            if isinstance(rule, Propagate):
                algorithm = spec.get("algorithm", "last")
                out.append(
                    ResponsePropagate(
                        rule.named, rule.matching, rule.rename, rule.default, algorithm
                    )
                )
            else:
                out.append(rule)
        return out

    all_rules = rules(raw.get("all", {}).get("response", []), ("headers", "all", "response"))
    per = {
        name: rules(entry.get("response", []), ("headers", "subgraphs", name, "response"))
        for name, entry in raw.get("subgraphs", {}).items()
    }
    return ResponseHeaderRules(all_rules, per)


def _rules(items: list[dict[str, Any]], path: tuple[str, ...], source: Source) -> list[HeaderRule]:
    out: list[HeaderRule] = []
    for i, item in enumerate(items):
        [(action, spec)] = item.items()
        where = source.where((*path, i, action))
        out.append(_rule(action, spec, f"{where}: {'.'.join(path)}[{i}].{action}"))
    return out


def _rule(action: str, spec: dict[str, Any], where: str) -> HeaderRule:
    # header names are case-insensitive: rules hold them lower-case, as HTTP/2 sends them
    spec = {k: v.lower() if k in ("named", "rename", "name") else v for k, v in spec.items()}
    named, matching = spec.get("named"), spec.get("matching")
    if action in ("propagate", "remove") and (named is None) == (matching is None):
        raise ConfigError(f"{where}: needs exactly one of 'named' and 'matching'")
    if action == "propagate":
        if matching is not None and ("rename" in spec or "default" in spec):
            raise ConfigError(f"{where}: 'rename' and 'default' go with 'named', not 'matching'")
        _not_reserved(spec.get("rename") or named, where)
        return Propagate(named, matching, spec.get("rename"), spec.get("default"))
    if action == "remove":
        return Remove(named, matching)
    if sum(k in spec for k in ("value", "from_context", "path")) != 1:
        raise ConfigError(f"{where}: needs exactly one of 'value', 'from_context' and 'path'")
    if "default" in spec and "path" not in spec:
        raise ConfigError(f"{where}: 'default' goes with 'path'")
    _not_reserved(spec["name"], where)
    path = None
    if "path" in spec:
        try:
            path = parse_path(spec["path"])
        except ValueError as exc:
            raise ConfigError(f"{where}.path: {exc}") from exc
    return Insert(
        spec["name"], spec.get("value"), spec.get("from_context"), path, spec.get("default")
    )


def _not_reserved(name: str | None, where: str) -> None:
    if name is not None and name.lower() in RESERVED:
        raise ConfigError(f"{where}: {name!r} is a hop-by-hop or body header that fedgate manages")


def _cors(raw: dict[str, Any]) -> CorsConfig:
    common = {k: tuple(raw[k]) for k in ("allow_headers", "expose_headers", "methods") if k in raw}
    policies = tuple(
        CorsPolicy(
            origins=tuple(p.get("origins", ())),
            match_origins=tuple(p.get("match_origins", ())),
            allow_credentials=p.get("allow_credentials"),
            allow_headers=tuple(p["allow_headers"]) if "allow_headers" in p else None,
            expose_headers=tuple(p["expose_headers"]) if "expose_headers" in p else None,
            methods=tuple(p["methods"]) if "methods" in p else None,
            max_age=p.get("max_age"),
        )
        for p in raw.get("policies", ())
    )
    config = CorsConfig(
        allow_any_origin=raw.get("allow_any_origin", False),
        allow_credentials=raw.get("allow_credentials", False),
        max_age=raw.get("max_age"),
        **common,
    )
    return replace(config, policies=policies) if "policies" in raw else config


def _traffic_shaping(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "timeout" in raw.get("all", {}):
        out["subgraph_timeout"] = raw["all"]["timeout"]
    per = {
        name: entry["timeout"]
        for name, entry in raw.get("subgraphs", {}).items()
        if "timeout" in entry
    }
    if per:
        out["subgraph_timeouts"] = per
    if "timeout" in raw.get("router", {}):
        out["router_timeout"] = raw["router"]["timeout"]
    # deduplicate_query: Apollo's name for in-flight sharing (fedgate's default is on; a
    # subgraph's own value wins over all's, fedgate.share_inflight_requests over both)
    if "deduplicate_query" in raw.get("all", {}):
        out["share_inflight_requests"] = raw["all"]["deduplicate_query"]
    sharing = {
        name: entry["deduplicate_query"]
        for name, entry in raw.get("subgraphs", {}).items()
        if "deduplicate_query" in entry
    }
    if sharing:
        out["subgraph_sharing"] = sharing
    return out


def _limits(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    raw = {**raw, **raw.get("router", {})}  # both layouts; the newer wins where both say
    subgraph = raw.get("subgraph", {})
    if "http_max_response_size" in subgraph.get("all", {}):
        out["max_subgraph_response_bytes"] = subgraph["all"]["http_max_response_size"]
    per = {
        name: entry["http_max_response_size"]
        for name, entry in subgraph.get("subgraphs", {}).items()
        if "http_max_response_size" in entry
    }
    if per:
        out["subgraph_max_response_bytes"] = per
    if "http_max_request_bytes" in raw:
        out["max_request_bytes"] = raw["http_max_request_bytes"]
    budget = {
        field_name: raw[key]
        for key, field_name in (
            ("max_depth", "max_depth"),
            ("max_aliases", "max_aliases"),
            ("max_recursive_selections", "max_selections"),
            ("parser_max_tokens", "max_tokens"),
            ("parser_max_recursion", "max_recursion"),
            ("max_height", "max_height"),
            ("max_root_fields", "max_root_fields"),
            ("warn_only", "warn_only"),
        )
        if key in raw
    }
    if budget:
        out["limits"] = replace(DEFAULT_LIMITS, **budget)
    return out
