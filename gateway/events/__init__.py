"""Events from message brokers (docs/events.md): subscription fields fed by NATS subjects or
Redis channels instead of a subgraph stream, and mutation fields that publish a message.

The fields are marked in a subgraph with Cosmo's EDFS directives (``@edfs__natsSubscribe``,
...; ``gateway/composition/events_spec.py``). ``fields.py`` reads them from the supergraph
once per generation; ``runtime.py`` holds one connection per configured provider (NATS:
``nats_broker.py``, Redis: ``redis_broker.py``, each imported only when configured);
``source.py`` turns a subscription's messages into the events the subscription engine
completes with the planned entity fetches; ``publish.py`` answers the publish mutations.
Nothing here is imported unless the supergraph links the events feature.
"""

from .fields import uses_events
from .runtime import Events

__all__ = ["Events", "uses_events"]
