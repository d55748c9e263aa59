"""The fedgate.events keys: docs/events.md's example loads, bad values are coded config
errors naming the key, Kafka is refused, and a supergraph field without its provider makes
the gateway refuse the supergraph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.config import load_config
from gateway.config.events import EventsConfig, NatsProvider, RedisProvider
from gateway.errors import ConfigError, GatewayError
from gateway.server.loading import build_gateway
from tests.e2e.processes import ROOT

from .brokers import events_supergraph


def _blocks(language: str) -> list[str]:
    page = (ROOT / "docs" / "events.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", page, re.S)


def test_the_docs_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(_blocks("yaml")[0])
    config = load_config(path, environ={})
    assert config.events == EventsConfig(
        nats=(NatsProvider("default", "nats://127.0.0.1:4222"),),
        redis=(RedisProvider("cache", "redis://127.0.0.1:6379/0"),),
        message_errors="event",
        connect_timeout=5.0,
        reconnect_timeout=30.0,
    )
    assert main(["config", "validate", str(path)]) == 0


def test_the_docs_subgraph_composes() -> None:
    from gateway.composition import compose
    from gateway.composition.model import CompositionSuccess, SubgraphSource

    other = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n'
        "type Query { order(id: ID!): Order }\n"
        'type Order @key(fields: "id") { id: ID! total: Int! }\n'
        'type Product @key(fields: "upc") { upc: String! stock: Int! }\n'
    )
    result = compose(
        [
            SubgraphSource("orders", "http://orders/graphql", other),
            SubgraphSource("events", "http://events.invalid", _blocks("graphql")[0]),
        ]
    )
    assert isinstance(result, CompositionSuccess), result
    sdl = result.supergraph_sdl
    assert '@link(url: "https://specs.fedgate.dev/events/v0.1", for: EXECUTION, import:' in sdl
    assert '@edfs__natsSubscribe(subjects: ["orders.{{ args.id }}"])' in sdl


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ("providers: {kafka: [{id: k, brokers: [localhost:9092]}]}", "Kafka event providers"),
        ("providers: {nats: [{id: a}]}", "url"),
        ("providers: {nats: [{id: a, url: 'http://x'}]}", "nats[0].url: 'http://x' does not match"),
        (
            "providers: {redis: [{id: a, urls: ['redis://a', 'redis://b']}]}",
            "exactly one Redis URL",
        ),
        (
            "providers: {nats: [{id: a, url: 'nats://x'}, {id: a, url: 'nats://y'}]}",
            "two nats providers have the id 'a'",
        ),
        ("message_errors: ignore", "message_errors"),
    ],
)
def test_bad_values_are_refused_naming_the_key(tmp_path: Path, events: str, message: str) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(f"fedgate:\n  events: {{{events}}}\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path, environ={})
    assert message in raised.value.message


def test_a_field_whose_provider_is_not_configured_refuses_the_supergraph(tmp_path: Path) -> None:
    sdl = events_supergraph("http://127.0.0.1:1")
    config = tmp_path / "router.yaml"
    config.write_text(
        "fedgate:\n  events:\n    providers:\n      nats: [{id: default, url: 'nats://127.0.0.1:1'}]\n"
    )
    with pytest.raises(GatewayError) as raised:
        build_gateway(sdl, "supergraph.graphql", config)
    assert "Mutation.cacheItem needs the redis provider 'cache'" in raised.value.message
    with pytest.raises(GatewayError) as without:
        build_gateway(sdl, "supergraph.graphql", None)
    assert "needs the nats provider 'default'" in without.value.message
