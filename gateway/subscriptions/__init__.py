"""GraphQL subscriptions through the federation (docs/subscriptions.md).

The planner plans a subscription like a query: its root fetch (``operation_kind`` is
``subscription``) is the stream opened to the owning subgraph (``upstream.py``: WebSocket,
graphql-transport-ws or the legacy subscriptions-transport-ws); the rest of the plan completes
every event with the entity fetches of the other subgraphs (``plan.py``). ``engine.py`` runs
subscriptions (limits, buffers, reload, drain); ``ws.py`` (graphql-transport-ws), ``http.py``
(GraphQL over SSE and Apollo's multipart protocol) serve them to clients. Nothing here is
imported, built or called while ``subscription.enabled`` is off.
"""

from .engine import Subscriptions

__all__ = ["Subscriptions"]
