"""Apollo Router's ``subscription`` section and fedgate's ``fedgate.subscription`` extras: their
schemas and the ``SubscriptionConfig`` they make (docs/subscriptions.md).

Apollo's keys: ``enabled``, ``mode.passthrough.all|subgraphs.<name>`` (``path``, ``protocol``:
``graphql_ws`` — the legacy subscriptions-transport-ws, Apollo's default — or
``graphql_transport_ws``; ``heartbeat_interval``: ``enable``, ``disable`` or a duration),
``max_opened_subscriptions`` (all connections together) and ``queue_capacity`` (events buffered
per subscription). Callback mode and deduplication are not supported yet. fedgate's own: the
limit per client connection, the heartbeat sent to clients, and what happens to a client that
reads too slowly (``slow_reader``: ``close`` or ``drop_oldest``), and subgraphs that stream
over GraphQL over SSE instead of WebSocket (``subgraphs.<name>.protocol``: ``sse`` — a GET —
or ``sse_post``, Cosmo's names; Apollo Router's ``passthrough`` knows only WebSocket).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from gateway.errors import ConfigError

from .schema import Bool, Duration, Int, MapOf, Obj, Str, Unsupported, parse_duration
from .source import Source

__all__ = [
    "FEDGATE_SUBSCRIPTION",
    "SUBSCRIPTION",
    "PassthroughConfig",
    "SubscriptionConfig",
    "subscription_config",
]

# sse, sse_post: GraphQL over SSE to the subgraph (fedgate.subscription.subgraphs; Cosmo's
# names), a GET or a POST in the distinct connections mode
Protocol = Literal["graphql_ws", "graphql_transport_ws", "sse", "sse_post"]
SlowReader = Literal["close", "drop_oldest"]
# Apollo's `heartbeat_interval: enable`: its default period
_ENABLED_HEARTBEAT = 5.0


@dataclass(frozen=True, slots=True)
class PassthroughConfig:
    """How one subgraph's subscriptions are opened: the WebSocket path (None: the subgraph
    URL's own), the protocol, and the ping period (None: no pings)."""

    path: str | None = None
    protocol: Protocol = "graphql_ws"
    heartbeat_interval: float | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionConfig:
    enabled: bool = False
    all: PassthroughConfig = PassthroughConfig()
    subgraphs: MappingProxyType[str, PassthroughConfig] = field(
        default_factory=lambda: MappingProxyType({})
    )
    max_opened_subscriptions: int | None = None
    queue_capacity: int = 128
    # fedgate.subscription
    max_per_connection: int = 100
    client_heartbeat: float = 5.0
    slow_reader: SlowReader = "close"

    def for_subgraph(self, name: str) -> PassthroughConfig:
        return self.subgraphs.get(name, self.all)


_PASSTHROUGH = Obj(
    {
        "path": Str("the subgraph's WebSocket path (default: its URL's path)", pattern="/.*"),
        "protocol": Str(
            "graphql_ws (subscriptions-transport-ws, the default) or graphql_transport_ws",
            pattern="^(graphql_ws|graphql_transport_ws)$",
        ),
        "heartbeat_interval": Str("enable (5s), disable (the default) or a duration like 10s"),
    }
)
SUBSCRIPTION = Obj(
    {
        "enabled": Bool("serve subscriptions (default false)"),
        "mode": Obj(
            {
                "passthrough": Obj({"all": _PASSTHROUGH, "subgraphs": MapOf(_PASSTHROUGH)}),
                "callback": Unsupported("the HTTP callback subscription mode"),
            }
        ),
        "max_opened_subscriptions": Int("open subscriptions, all clients together", minimum=1),
        "queue_capacity": Int("events buffered per subscription (default 128)", minimum=1),
        "deduplication": Unsupported("subscription deduplication"),
        "enable_deduplication": Unsupported("subscription deduplication"),
    },
    "GraphQL subscriptions (docs/subscriptions.md)",
)
FEDGATE_SUBSCRIPTION = Obj(
    {
        "max_per_connection": Int("subscriptions per WebSocket connection (100)", minimum=1),
        "client_heartbeat": Duration("heartbeat to SSE and multipart clients (5s)"),
        "slow_reader": Str(
            "when a client's buffer is full: close (the default) or drop_oldest",
            pattern="^(close|drop_oldest)$",
        ),
        "subgraphs": MapOf(
            Obj(
                {
                    "protocol": Str(
                        "sse (GraphQL over SSE with GET) or sse_post (with POST)",
                        pattern="^(sse|sse_post)$",
                    ),
                    "path": Str("the subgraph's SSE path (default: its URL's path)", "/.*"),
                },
                required=("protocol",),
            ),
            "subgraphs that stream subscriptions over GraphQL over SSE (not WebSocket)",
        ),
    },
    "fedgate's subscription settings",
)


def subscription_config(
    raw: dict[str, Any], extras: dict[str, Any], source: Source
) -> SubscriptionConfig:
    passthrough = raw.get("mode", {}).get("passthrough", {})
    where = ("subscription", "mode", "passthrough")
    subgraphs = {
        name: _passthrough(value, source, (*where, "subgraphs", name))
        for name, value in passthrough.get("subgraphs", {}).items()
    }
    # fedgate.subscription.subgraphs: GraphQL over SSE, in place of mode.passthrough's socket
    for name, value in extras.get("subgraphs", {}).items():
        subgraphs[name] = PassthroughConfig(value.get("path"), value["protocol"])
    return SubscriptionConfig(
        enabled=raw.get("enabled", False),
        all=_passthrough(passthrough.get("all", {}), source, (*where, "all")),
        subgraphs=MappingProxyType(subgraphs),
        max_opened_subscriptions=raw.get("max_opened_subscriptions"),
        queue_capacity=raw.get("queue_capacity", 128),
        max_per_connection=extras.get("max_per_connection", 100),
        client_heartbeat=extras.get("client_heartbeat", 5.0),
        slow_reader=extras.get("slow_reader", "close"),
    )


def _passthrough(raw: dict[str, Any], source: Source, path: tuple[str, ...]) -> PassthroughConfig:
    beat = raw.get("heartbeat_interval", "disable")
    interval: float | None
    if beat == "disable":
        interval = None
    elif beat == "enable":
        interval = _ENABLED_HEARTBEAT
    else:
        interval = parse_duration(str(beat))
        if interval is None or interval <= 0:
            where = source.where((*path, "heartbeat_interval"))
            raise ConfigError(
                f"{where}: heartbeat_interval must be enable, disable or a duration like 10s"
            )
    return PassthroughConfig(raw.get("path"), raw.get("protocol", "graphql_ws"), interval)
