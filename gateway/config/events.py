"""fedgate's ``fedgate.events`` section: the message brokers that feed subscription fields
and take the messages of publish mutations (docs/events.md), and the ``EventsConfig`` it makes.

Apollo Router has no key for broker-fed fields; the layout is Cosmo's (``events.providers``:
``nats: [{id, url}]``, ``redis: [{id, urls}]``), under ``fedgate:``. A field's
``providerId`` names one provider of its broker kind. Kafka is not supported yet (its key is
refused with a clear message). ``message_errors``: what a subscription does with a message that
is not a JSON object carrying the entity's ``__typename`` and key fields — ``event`` (the
default: the client gets an event with a coded error, the subscription goes on) or ``skip``
(logged and dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from gateway.errors import ConfigError

from .schema import Duration, ListOf, Obj, Str, Unsupported
from .source import Source

__all__ = ["FEDGATE_EVENTS", "EventsConfig", "NatsProvider", "RedisProvider", "events_config"]

MessageErrors = Literal["event", "skip"]


@dataclass(frozen=True, slots=True)
class NatsProvider:
    id: str
    url: str


@dataclass(frozen=True, slots=True)
class RedisProvider:
    id: str
    url: str


@dataclass(frozen=True, slots=True)
class EventsConfig:
    nats: tuple[NatsProvider, ...] = ()
    redis: tuple[RedisProvider, ...] = ()
    message_errors: MessageErrors = "event"
    # how long a broker may take to connect (or reconnect) before a subscription fails
    connect_timeout: float = 5.0
    # how long a broker may stay unreachable before its subscriptions end
    reconnect_timeout: float = 30.0

    def provider_ids(self, kind: str) -> tuple[str, ...]:
        providers: tuple[NatsProvider | RedisProvider, ...] = (
            self.nats if kind == "nats" else self.redis
        )
        return tuple(p.id for p in providers)


_ID = Str("the provider's id, which a directive's providerId names", pattern=r"^\S+$")
FEDGATE_EVENTS = Obj(
    {
        "providers": Obj(
            {
                "nats": ListOf(
                    Obj(
                        {"id": _ID, "url": Str("nats://host:port", pattern=r"^(nats|tls)://.+")},
                        required=("id", "url"),
                    ),
                    "NATS servers (core subjects)",
                ),
                "redis": ListOf(
                    Obj(
                        {
                            "id": _ID,
                            "urls": ListOf(
                                Str("redis://host:port[/db]", pattern=r"^rediss?://.+"),
                                "one URL (Redis Cluster is not supported)",
                            ),
                        },
                        required=("id", "urls"),
                    ),
                    "Redis servers (pub/sub channels)",
                ),
                "kafka": Unsupported("Kafka event providers"),
            }
        ),
        "message_errors": Str(
            "a malformed message: event (a coded error event, the default) or skip",
            pattern="^(event|skip)$",
        ),
        "connect_timeout": Duration("how long a broker may take to connect (default 5s)"),
        "reconnect_timeout": Duration(
            "how long a broker may stay unreachable before its subscriptions end (default 30s)"
        ),
    },
    "message brokers feeding subscription fields and taking published events (docs/events.md)",
)


def events_config(raw: dict[str, Any], source: Source) -> EventsConfig:
    providers = raw.get("providers", {})
    nats = tuple(NatsProvider(p["id"], p["url"]) for p in providers.get("nats", []))
    redis = []
    for i, p in enumerate(providers.get("redis", [])):
        urls = p["urls"]
        if len(urls) != 1:
            where = source.where(("fedgate", "events", "providers", "redis", i, "urls"))
            raise ConfigError(
                f"{where}: give exactly one Redis URL (Redis Cluster is not supported)"
            )
        redis.append(RedisProvider(p["id"], urls[0]))
    for kind, items in (("nats", nats), ("redis", tuple(redis))):
        ids = [p.id for p in items]
        duplicate = next((i for i in ids if ids.count(i) > 1), None)
        if duplicate is not None:
            where = source.where(("fedgate", "events", "providers", kind))
            raise ConfigError(f"{where}: two {kind} providers have the id {duplicate!r}")
    return EventsConfig(
        nats,
        tuple(redis),
        raw.get("message_errors", "event"),
        raw.get("connect_timeout", 5.0),
        raw.get("reconnect_timeout", 30.0),
    )
