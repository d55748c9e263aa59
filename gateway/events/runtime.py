"""The app's brokers: one per configured provider, created (and its client library imported)
at its first use, kept across reloads, closed at shutdown."""

from __future__ import annotations

from gateway.config.events import EventsConfig

from .broker import Broker
from .stream import BrokerError

__all__ = ["Events"]


class Events:
    def __init__(self, config: EventsConfig) -> None:
        self.config = config
        self._brokers: dict[tuple[str, str], Broker] = {}

    def broker(self, kind: str, provider: str) -> Broker:
        found = self._brokers.get((kind, provider))
        if found is not None:
            return found
        config = self.config
        timeouts = (config.connect_timeout, config.reconnect_timeout)
        broker: Broker
        if kind == "nats":
            from .nats_broker import NatsBroker

            url = next(p.url for p in config.nats if p.id == provider)
            broker = NatsBroker(provider, url, *timeouts)
        elif kind == "redis":
            from .redis_broker import RedisBroker

            url = next(p.url for p in config.redis if p.id == provider)
            broker = RedisBroker(provider, url, *timeouts)
        else:  # the supergraph check (bind.py) lets no other kind through
            raise BrokerError(f"no {kind} provider {provider!r}")
        self._brokers[(kind, provider)] = broker
        return broker

    async def close(self) -> None:
        brokers, self._brokers = list(self._brokers.values()), {}
        for broker in brokers:
            await broker.close()
