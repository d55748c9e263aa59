"""fedgate's events feature (docs/events.md): subscription fields fed by a message broker and
mutation fields that publish to one, named as Cosmo's Event-Driven Federated Subscriptions
name them (``@edfs__natsSubscribe``, ...), so a Cosmo event-driven subgraph composes as it is.

A subgraph uses the directives without importing or defining them (as in Cosmo; a definition
of its own is accepted and replaced by these). The supergraph links the feature
(``EVENTS_URL``, ``for: EXECUTION``: a router that does not know it must refuse the
supergraph rather than send the fields to a subgraph that has no resolvers) and imports the
directives under their ``edfs__`` names. The feature is named ``events``, not ``edfs``: by the
link spec a feature owns every ``<name>__`` element, and ``edfs__PublishResult`` (the publish
fields' result type, defined by the subgraph) must stay in the API schema.
"""

from __future__ import annotations

EVENTS_URL = "https://specs.fedgate.dev/events/v0.1"

_DEFAULT = 'providerId: String! = "default"'

#: directive name -> its definition (arguments and locations), as Cosmo documents them
EVENT_DIRECTIVES: dict[str, str] = {
    "edfs__natsSubscribe": f"(subjects: [String!]!, {_DEFAULT}) on FIELD_DEFINITION",
    "edfs__natsPublish": f"(subject: String!, {_DEFAULT}) on FIELD_DEFINITION",
    "edfs__redisSubscribe": f"(channels: [String!]!, {_DEFAULT}) on FIELD_DEFINITION",
    "edfs__redisPublish": f"(channel: String!, {_DEFAULT}) on FIELD_DEFINITION",
}
SUBSCRIBE_DIRECTIVES = frozenset({"edfs__natsSubscribe", "edfs__redisSubscribe"})
PUBLISH_DIRECTIVES = frozenset({"edfs__natsPublish", "edfs__redisPublish"})
PUBLISH_RESULT = "edfs__PublishResult"


def definitions_sdl() -> str:
    return "".join(f"directive @{name}{text}\n" for name, text in EVENT_DIRECTIVES.items())
