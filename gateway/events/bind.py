"""The events fields of one generation (supergraph), bound to the app's brokers: checked
once when the generation is built, then asked per subscription for its event source and
wrapped around the subgraph client for the publish mutations."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from gateway.config.events import EventsConfig
from gateway.errors import ConfigError
from gateway.planner.plan import Fetch
from gateway.supergraph import Supergraph
from gateway.transport.base import SubgraphClient

from .fields import EventField, event_fields
from .operation import arguments, root_fields
from .runtime import Events
from .stream import BrokerError
from .template import TemplateError, render

__all__ = ["BoundEvents", "check_providers"]


def check_providers(supergraph: Supergraph, config: EventsConfig | None) -> None:
    """Raises ``ConfigError`` for a field whose provider is not configured: at load (and
    reload) time, so that the gateway refuses the generation readably."""
    for (type_name, field_name), field in event_fields(supergraph).items():
        if config is None or field.provider not in config.provider_ids(field.broker):
            raise ConfigError(
                f"the supergraph's {type_name}.{field_name} needs the {field.broker} "
                f"provider {field.provider!r}: add it to fedgate.events.providers."
                f"{field.broker} (docs/events.md)"
            )


class BoundEvents:
    def __init__(self, supergraph: Supergraph, events: Events | None) -> None:
        """Raises ``ConfigError`` for a field whose provider is not configured."""
        check_providers(supergraph, events.config if events is not None else None)
        table = event_fields(supergraph)
        self.events = events
        self.subscription_type = supergraph.subscription_type
        self.mutation_type = supergraph.mutation_type
        self._fields = table

    def client(self, inner: SubgraphClient) -> SubgraphClient:
        publish = {
            name: f
            for (type_name, name), f in self._fields.items()
            if type_name == self.mutation_type and f.kind == "publish"
        }
        if not publish or self.events is None:
            return inner
        from .publish import PublishClient

        subgraphs = frozenset(f.subgraph for f in publish.values())
        return PublishClient(inner, self.events, publish, subgraphs)

    def source(
        self,
        primary: Fetch,
        variables: Mapping[str, Any],
        capacity: int,
        drop_oldest: bool,
        on_drop: Callable[[], None],
    ) -> AsyncIterator[dict[str, Any]] | None:
        """The broker's events for a subscription whose root field is broker-fed; None for
        one a subgraph streams. Raises ``BrokerError`` (when iterated) when the broker
        cannot be reached or is lost."""
        roots = root_fields(primary.operation)
        if len(roots) != 1 or self.subscription_type is None:
            return None
        root = roots[0]
        field: EventField | None = self._fields.get((self.subscription_type, root.name))
        if field is None or field.subgraph != primary.service or self.events is None:
            return None
        from .source import broker_events

        values = arguments(root, variables)
        try:
            subjects = tuple(render(s, values) for s in field.subjects)
        except TemplateError as exc:
            return _failed(BrokerError(str(exc)))
        broker = self.events.broker(field.broker, field.provider)
        skip = self.events.config.message_errors == "skip"
        return broker_events(broker, subjects, field, root, (capacity, drop_oldest, on_drop), skip)


async def _failed(exc: Exception) -> AsyncIterator[dict[str, Any]]:
    raise exc
    yield {}  # pragma: no cover - makes this an async generator
