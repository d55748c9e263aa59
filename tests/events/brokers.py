"""Real brokers for the events tests: Debian's ``nats-server`` and ``redis-server`` started on
free loopback ports (``tests/services.py`` skips with the reason where they are missing), and
the events subgraph SDL the tests compose with the catalog subgraph."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gateway.composition import compose
from gateway.composition.model import CompositionSuccess, SubgraphSource
from tests.e2e.processes import listening
from tests.services import free_port, require
from tests.subscriptions.live_subgraphs import sdl

EVENTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

type Subscription {
  itemAdded: Item! @edfs__natsSubscribe(subjects: ["items.added"])
  itemsAdded: [Item!]! @edfs__natsSubscribe(subjects: ["items.batch"])
  itemOn(topic: String!): Item! @edfs__natsSubscribe(subjects: ["items.{{ args.topic }}"])
  itemCached: Item! @edfs__redisSubscribe(channels: ["items"], providerId: "cache")
}

type Mutation {
  addItem(id: ID!): edfs__PublishResult! @edfs__natsPublish(subject: "items.added")
  addItemOn(topic: String!, id: ID!): edfs__PublishResult!
    @edfs__natsPublish(subject: "items.{{ args.topic }}")
  cacheItem(id: ID!): edfs__PublishResult!
    @edfs__redisPublish(channel: "items", providerId: "cache")
}

type Item @key(fields: "id", resolvable: false) {
  id: ID!
}

type edfs__PublishResult {
  success: Boolean!
}
"""


def events_supergraph(catalog: str) -> str:
    result = compose(
        [
            SubgraphSource("catalog", f"{catalog}/graphql", sdl("catalog")),
            # never called: its fields are the brokers'
            SubgraphSource("events", "http://127.0.0.1:9/graphql", EVENTS_SDL),
        ]
    )
    assert isinstance(result, CompositionSuccess), result
    return result.supergraph_sdl


def _wait_listening(proc: subprocess.Popen[bytes], port: int, name: str) -> None:
    deadline = time.monotonic() + 15
    while not listening(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"{name} did not start on port {port}")
        time.sleep(0.05)


@contextmanager
def nats_server(port: int | None = None) -> Iterator[int]:
    """A running nats-server; yields its port (give ``port`` to start one again there)."""
    binary = require("nats-server")
    port = port or free_port()
    proc = subprocess.Popen(
        [binary, "-a", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(proc, port, "nats-server")
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def redis_server(work: Path, port: int | None = None) -> Iterator[int]:
    binary = require("redis-server")
    port = port or free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    argv += ["--appendonly", "no", "--dir", str(work)]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(proc, port, "redis-server")
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def router_config(nats: int, redis: int, extra: str = "", events: str = "") -> str:
    return f"""subscription:
  enabled: true
{extra}fedgate:
  events:
{events}    providers:
      nats:
        - id: default
          url: nats://127.0.0.1:{nats}
      redis:
        - id: cache
          urls: [redis://127.0.0.1:{redis}]
"""
