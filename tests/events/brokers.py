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


def events_supergraph(catalog: str, events_sdl: str = EVENTS_SDL) -> str:
    result = compose(
        [
            SubgraphSource("catalog", f"{catalog}/graphql", sdl("catalog")),
            # never called: its fields are the brokers'
            SubgraphSource("events", "http://127.0.0.1:9/graphql", events_sdl),
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


class Broker:
    """A broker server process on a fixed port that a test may stop and start again."""

    def __init__(self, kind: str, work: Path) -> None:
        self.kind = kind
        self.binary = require("nats-server" if kind == "nats" else "redis-server")
        self.work = work
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def argv(self) -> list[str]:
        if self.kind == "nats":
            return [self.binary, "-a", "127.0.0.1", "-p", str(self.port)]
        return [
            *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(self.work)),
        ]

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.argv(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_listening(self.proc, self.port, self.kind)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


@contextmanager
def broker(kind: str, work: Path) -> Iterator[Broker]:
    server = Broker(kind, work)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def nats_server() -> Iterator[int]:
    """A running nats-server; yields its port."""
    with broker("nats", Path(".")) as server:
        yield server.port


@contextmanager
def redis_server(work: Path) -> Iterator[int]:
    with broker("redis", work) as server:
        yield server.port


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
