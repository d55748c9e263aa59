"""router.yaml: Apollo Router 2.x keys, checked with file:line and the key in every message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.config import DEV_OVERRIDES, GatewayConfig, load_config
from gateway.errors import ConfigError
from gateway.transport.headers import Insert, Propagate, Remove

FULL = """\
supergraph:
  listen: 0.0.0.0:4100
  path: /api/graphql
  introspection: true
sandbox:
  enabled: true
homepage:
  enabled: false
override_subgraph_url:
  accounts: http://accounts:4001/graphql
include_subgraph_errors:
  all: true
  subgraphs:
    products: false
headers:
  all:
    request:
      - propagate:
          named: authorization
      - propagate:
          named: x-tenant
          rename: x-tenant-id
          default: public
      - propagate:
          matching: ^x-trace-.*
      - insert:
          name: x-gateway
          value: fedgate
      - insert:
          name: x-request-id
          from_context: request_id
      - remove:
          named: x-trace-secret
  subgraphs:
    products:
      request:
        - remove:
            matching: ^x-trace-
cors:
  allow_credentials: true
  max_age: 1h
  policies:
    - origins: [https://app.example.com]
      match_origins: ["^https://.*\\\\.example\\\\.org$"]
      allow_headers: [content-type, authorization]
csrf:
  required_headers: [x-csrf]
health_check:
  path: /healthz
traffic_shaping:
  router:
    timeout: 1m
  all:
    timeout: 10s
  subgraphs:
    products:
      timeout: 500ms
limits:
  http_max_request_bytes: 1000
  max_depth: 20
  max_aliases: 10
  parser_max_tokens: 500
  subgraph:
    all:
      http_max_response_size: 10MiB
    subgraphs:
      products:
        http_max_response_size: 2000000
fedgate:
  connect_timeout: 2s
  operation_cache_size: 10
  expose_query_plan: true
  batch_fetches: false
"""


def write(tmp_path: Path, text: str, name: str = "router.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_supported_section_lands_in_the_config(tmp_path: Path) -> None:
    c = load_config(write(tmp_path, FULL), environ={})
    assert (c.listen, c.host_port, c.path) == ("0.0.0.0:4100", ("0.0.0.0", 4100), "/api/graphql")
    assert c.introspection and c.graphiql and c.expose_query_plan and not c.batch_fetches
    assert c.subgraph_urls == {"accounts": "http://accounts:4001/graphql"}
    assert c.include_subgraph_errors.included("accounts")
    assert not c.include_subgraph_errors.included("products")
    all_rules = c.headers.rules_for("accounts")
    assert all_rules[:2] == (
        Propagate(named="authorization"),
        Propagate(named="x-tenant", rename="x-tenant-id", default="public"),
    )
    assert isinstance(all_rules[2], Propagate) and all_rules[2].matching is not None
    assert all_rules[3:] == (
        Insert("x-gateway", "fedgate"),
        Insert("x-request-id", from_context="request_id"),
        Remove(named="x-trace-secret"),
    )
    assert len(c.headers.rules_for("products")) == len(all_rules) + 1
    assert c.cors.allow_credentials and c.cors.max_age == 3600.0
    [policy] = c.cors.policies
    assert policy.origins == ("https://app.example.com",)
    assert policy.match_origins[0].search("https://a.example.org")
    assert c.csrf.required_headers == ("x-csrf",) and not c.csrf.unsafe_disabled
    assert c.health_check.path == "/healthz"
    assert (c.router_timeout, c.subgraph_timeout) == (60.0, 10.0)
    assert c.subgraph_timeouts == {"products": 0.5}
    assert c.max_request_bytes == 1000 and c.connect_timeout == 2.0
    assert (c.limits.max_depth, c.limits.max_aliases, c.limits.max_tokens) == (20, 10, 500)
    assert c.operation_cache_size == 10
    assert c.max_subgraph_response_bytes == 10 * 2**20
    assert c.subgraph_max_response_bytes == {"products": 2_000_000}


def test_defaults_are_the_production_ones() -> None:
    c = load_config(environ={})
    assert c == GatewayConfig()
    assert not (c.introspection or c.graphiql or c.expose_query_plan)
    assert c.headers.empty and c.max_request_bytes == 2_000_000
    assert c.cors.policies[0].origins == ("https://studio.apollographql.com",)
    assert not c.csrf.unsafe_disabled and not c.include_subgraph_errors.all


def test_env_and_file_expansion_with_defaults(tmp_path: Path) -> None:
    secret = write(tmp_path, "s3cret\n", "secret.txt")
    text = (
        "supergraph:\n  introspection: ${env.INTRO:-false}\n"
        "override_subgraph_url:\n  accounts: http://${env.HOST}:4001/graphql\n"
        f"headers:\n  all:\n    request:\n      - insert:\n          name: x-key\n"
        f"          value: ${{file.{secret}}}\n"
        "fedgate:\n  operation_cache_size: ${env.CACHE:-7}\n"
    )
    c = load_config(write(tmp_path, text), environ={"HOST": "acc", "INTRO": "true"})
    assert c.introspection is True and c.operation_cache_size == 7
    assert c.subgraph_urls == {"accounts": "http://acc:4001/graphql"}
    assert c.headers.rules_for("x") == (Insert("x-key", "s3cret"),)
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "supergraph:\n\n  path: ${env.NOPE}\n"), environ={})
    assert info.value.message.endswith(
        "router.yaml:3: ${env.NOPE}: environment variable NOPE is not set"
    )


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("supergraph:\n  listen: 1\n", 2, "supergraph.listen: must be a string"),
        ("supergraph:\n  lissten: x\n", 2, "supergraph.lissten: unknown config key"),
        ("cors:\n  max_age: soon\n", 2, "cors.max_age: must be a duration"),
        ("csrf:\n  unsafe_disabled: maybe\n", 2, "csrf.unsafe_disabled: must be true or false"),
        (
            "telemetry:\n  instrumentation: {}\n",
            2,
            "telemetry.instrumentation: not supported yet by fedgate",
        ),
        (
            "supergraph:\n  query_planning:\n    cache:\n      in_memory: {limit: 10}\n",
            4,
            "supergraph.query_planning.cache.in_memory: not supported yet",
        ),
        (
            "health_check:\n  listen: 127.0.0.1:4000\n",
            2,
            "health_check.listen is the GraphQL listener's address",
        ),
        (
            "supergraph:\n  query_planning:\n    warmed_up_queries: -1\n",
            3,
            "must be at least 0",
        ),
        (
            "coprocessor:\n  url: http://x\n  router:\n    request:\n      condition: {}\n",
            5,
            "coprocessor.router.request.condition: a condition is one of eq",
        ),
        (
            "coprocessor:\n  url: http://x\n  execution:\n    request:\n      condition: true\n",
            5,
            "coprocessor.execution.request.condition: not supported yet",
        ),
        (
            "coprocessor:\n  url: http://x\n  router:\n    request:\n      condition:\n"
            "        exists: {response_header: x}\n",
            6,
            "response_header is not known yet at the router request stage",
        ),
        (
            "coprocessor:\n  url: http://x\n  subgraph:\n    all:\n      request:\n"
            "        condition:\n          eq: [{baggage: b}, x]\n",
            7,
            "selector 'baggage' is not supported by fedgate on subgraph stages",
        ),
        (
            "coprocessor:\n  url: http://x\n  client:\n    experimental_http2: http2only\n",
            4,
            "'http2only' is not supported by fedgate",
        ),
        (
            "coprocessor:\n  url: http://x\n  router:\n    request:\n"
            "      context: {selective: all}\n",
            5,
            "{selective: [context keys]}",
        ),
        ("coprocessor:\n  timeout: 1s\n", 1, "coprocessor: missing required key 'url'"),
        (
            "headers:\n  all:\n    request:\n      - insert:\n          name: x\n"
            "          path: operationName\n",
            4,
            "path: a JSON path starts with a period",
        ),
        (
            "headers:\n  all:\n    request:\n      - insert:\n          name: x\n"
            "          value: v\n          default: d\n",
            4,
            "'default' goes with 'path'",
        ),
        (
            "headers:\n  all:\n    request:\n      - insert:\n          name: x\n"
            "          path: .a[*]\n",
            4,
            "cannot read the JSON path at '[*]'",
        ),
        ("plugins:\n  acme.x: {}\n", 1, "fedgate's Python plugins: fedgate.plugins"),
        ("fedgate:\n  plugins:\n    - config: {}\n", 3, "missing required key 'path'"),
        (
            "subscription:\n  mode:\n    callback: {}\n",
            3,
            "subscription.mode.callback: not supported yet by fedgate",
        ),
        ("rhai: {}\n", 1, "rhai: not supported yet by fedgate"),
        ("authentication:\n  connector: {}\n", 2, "authentication.connector: not supported yet"),
        ("limits:\n  max_height: 0\n", 2, "limits.max_height: must be at least 1"),
        (
            "fedgate:\n  access_log:\n    format: xml\n",
            3,
            "fedgate.access_log.format: 'xml' does not match ^json$",
        ),
        (
            "limits:\n  http1_max_request_headers: 3\n",
            2,
            "limits.http1_max_request_headers: not supported yet by fedgate",
        ),
        (
            "headers:\n  all:\n    request:\n      - propagate:\n          named: a\n"
            "          matching: b\n",
            4,
            "exactly one of 'named' and 'matching'",
        ),
        (
            "headers:\n  all:\n    request:\n      - insert:\n          name: Host\n"
            "          value: x\n",
            4,
            "'host' is a hop-by-hop or body header",
        ),
        ("headers:\n  all:\n    request:\n      - copy: {}\n", 4, "exactly one of: propagate"),
        (
            "headers:\n  all:\n    request:\n      - remove:\n          matching: '('\n",
            5,
            "invalid regular expression",
        ),
        ("sandbox:\n  enabled: true\n", 2, "sandbox.enabled needs homepage.enabled: false"),
        (
            "sandbox:\n  enabled: true\nhomepage:\n  enabled: false\n",
            2,
            "needs supergraph.introspection: true",
        ),
        ("cors:\n  allow_any_origin: true\n  allow_credentials: true\n", None, "allow_any_origin"),
        ("introspection: true\nsupergraph: {}\n", 1, "a gateway.yaml key in a router.yaml file"),
        ("limits:\n  http_max_request_bytes: 0\n", 2, "must be at least 1"),
        (
            "limits:\n  subgraph:\n    all:\n      http_max_response_size: lots\n",
            4,
            "limits.subgraph.all.http_max_response_size: must be a size",
        ),
    ],
)
def test_bad_files_name_the_line_and_the_key(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), environ={})
    message = info.value.message
    assert fragment in message
    if line is not None:
        assert f"router.yaml:{line}:" in message, message


def test_gateway_yaml_still_loads_with_a_deprecation_note(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path, "subgraphs:\n  a:\n    url: http://a\nintrospection: true\n")
    config = load_config(path, environ={})
    assert config.subgraph_urls == {"a": "http://a"} and config.introspection
    assert "deprecated gateway.yaml format" in caplog.text


def test_environment_overrides_apply_to_router_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "supergraph:\n  introspection: false\n")
    env = {"FEDGATE_INTROSPECTION": "on", "FEDGATE_SUBGRAPH_ACCOUNTS_URL": "http://env"}
    config = load_config(path, environ=env, subgraph_names=["accounts"])
    assert config.introspection and config.subgraph_urls == {"accounts": "http://env"}
    assert not config.include_subgraph_errors.all
    dev = load_config(path, environ={**DEV_OVERRIDES})
    assert dev.introspection and dev.graphiql and dev.expose_query_plan
    assert dev.include_subgraph_errors.included("anything")


def test_config_schema_and_validate_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    props = schema["properties"]
    assert {"supergraph", "headers", "cors", "csrf", "limits", "fedgate"} <= set(props)
    assert schema["additionalProperties"] is False
    assert "not supported yet" in props["rhai"]["description"]
    assert props["coprocessor"]["required"] == ["url"]
    assert main(["config", "validate", str(write(tmp_path, FULL))]) == 0
    assert capsys.readouterr().out.strip().endswith("router.yaml: ok")
    assert main(["config", "validate", str(write(tmp_path, "cors: []\n"))]) == 1
    assert "router.yaml:1: cors: must be a mapping" in capsys.readouterr().err


def test_limits_in_apollo_routers_newer_layout(tmp_path: Path) -> None:
    text = "limits:\n  router:\n    http_max_request_bytes: 500\n    max_depth: 7\n"
    config = load_config(write(tmp_path, text), environ={})
    assert config.max_request_bytes == 500 and config.limits.max_depth == 7
    text = "limits:\n  router:\n    http2_max_headers_list_bytes: 3\n"
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), environ={})
    assert "router.yaml:3: limits.router.http2_max_headers_list_bytes: not supported yet" in (
        info.value.message
    )


def test_access_log_key_and_environment(tmp_path: Path) -> None:
    assert load_config(None, environ={}).access_log is False
    text = "fedgate:\n  access_log:\n    enabled: true\n    format: json\n"
    assert load_config(write(tmp_path, text), environ={}).access_log is True
    assert load_config(None, environ={"FEDGATE_ACCESS_LOG": "true"}).access_log is True


def test_apollos_opt_in_operation_limits(tmp_path: Path) -> None:
    text = (
        "limits:\n  max_height: 200\n  max_root_fields: 20\n  parser_max_recursion: 90\n"
        "  warn_only: true\n"
    )
    limits = load_config(write(tmp_path, text), environ={}).limits
    assert (limits.max_height, limits.max_root_fields) == (200, 20)
    assert limits.max_recursion == 90 and limits.warn_only


def test_response_header_rules(tmp_path: Path) -> None:
    from gateway.transport.response_headers import ResponsePropagate

    text = (
        "headers:\n  all:\n    response:\n      - propagate:\n          named: Set-Cookie\n"
        "  subgraphs:\n    b:\n      response:\n      - propagate:\n          matching: ^x-\n"
        "          algorithm: append\n"
    )
    config = load_config(write(tmp_path, text), environ={})
    rules = config.response_headers
    assert not rules.empty and config.headers.empty
    assert rules.rules_for("a") == (ResponsePropagate(named="set-cookie"),)
    [_, own] = rules.rules_for("b")
    assert isinstance(own, ResponsePropagate) and own.algorithm == "append"
    assert own.matching is not None and own.matching.pattern == "^x-"
    bad = (
        "headers:\n  all:\n    response:\n      - propagate:\n          named: a\n"
        "          algorithm: most\n"
    )
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, bad), environ={})
    assert "router.yaml:6: headers.all.response[0].propagate.algorithm" in info.value.message


def test_warmed_up_queries_default_to_a_third_of_the_plan_cache(tmp_path: Path) -> None:
    default = load_config(write(tmp_path, "fedgate:\n  operation_cache_size: 90\n"), environ={})
    assert default.query_planning.warm_count(default.operation_cache_size) == 30
    text = "supergraph:\n  query_planning:\n    warmed_up_queries: 500\n"
    capped = load_config(write(tmp_path, text), environ={})
    assert capped.query_planning.warmed_up_queries == 500
    assert capped.query_planning.warm_count(capped.operation_cache_size) == 500


def test_deduplicate_query_maps_to_in_flight_sharing(tmp_path: Path) -> None:
    from gateway.server.client_stack import SharingPolicy, sharing_policy

    default = load_config(None, environ={})
    assert sharing_policy(default) == SharingPolicy()  # fedgate's default: every subgraph
    text = (
        "traffic_shaping:\n  all:\n    deduplicate_query: false\n  subgraphs:\n"
        "    products:\n      deduplicate_query: true\n"
    )
    config = load_config(write(tmp_path, text), environ={})
    assert not config.share_inflight_requests
    assert sharing_policy(config) == SharingPolicy(only=frozenset({"products"}))
    text = "traffic_shaping:\n  subgraphs:\n    reviews:\n      deduplicate_query: false\n"
    config = load_config(write(tmp_path, text), environ={})
    assert sharing_policy(config) == SharingPolicy(unshared=frozenset({"reviews"}))
    off = "traffic_shaping:\n  all:\n    deduplicate_query: false\n"
    assert sharing_policy(load_config(write(tmp_path, off), environ={})) is None
    # fedgate's own key wins over Apollo's
    both = off + "fedgate:\n  share_inflight_requests: true\n"
    assert load_config(write(tmp_path, both), environ={}).share_inflight_requests
    with pytest.raises(ConfigError, match="deduplicate_query"):
        load_config(
            write(tmp_path, "traffic_shaping:\n  all:\n    deduplicate_query: 3\n"), environ={}
        )


def test_share_inflight_group_limit(tmp_path: Path) -> None:
    assert load_config(None, environ={}).share_inflight_group_limit is None
    text = "fedgate:\n  share_inflight_group_limit: 8\n"
    assert load_config(write(tmp_path, text), environ={}).share_inflight_group_limit == 8
    with pytest.raises(ConfigError, match="share_inflight_group_limit"):
        load_config(write(tmp_path, "fedgate:\n  share_inflight_group_limit: 0\n"), environ={})
