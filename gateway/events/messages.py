"""A broker message → the subscription event the rest of the plan completes.

A message is a JSON object standing for one entity: ``__typename`` (optional; it must be the
field's type when given) and the fields of one of the entity's keys in the events subgraph
(``{"__typename": "Order", "id": "7"}``); for a list field, a JSON array of such objects. Only
the fields the primary fetch selects are kept: the other subgraphs' fields come from them, by
the planned entity fetches. Anything else is refused with ``EVENT_MESSAGE_INVALID``."""

from __future__ import annotations

from typing import Any

import orjson

from .fields import EventField
from .operation import RootField

__all__ = ["InvalidMessage", "event_payload"]


class InvalidMessage(Exception):
    pass


def event_payload(data: bytes, field: EventField, root: RootField) -> dict[str, Any]:
    """``{"data": {key: entity}}``; raises ``InvalidMessage`` saying what is wrong."""
    try:
        message = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise InvalidMessage("a broker message is not JSON") from None
    if field.list_type:
        if not isinstance(message, list):
            raise InvalidMessage("a broker message for a list field is not a JSON array")
        value: Any = [_entity(item, field, root) for item in message]
    else:
        value = _entity(message, field, root)
    return {"data": {root.response_key: value}}


def _entity(message: Any, field: EventField, root: RootField) -> dict[str, Any]:
    if not isinstance(message, dict):
        raise InvalidMessage("a broker message is not a JSON object")
    typename = message.get("__typename", field.entity)
    if typename != field.entity:
        raise InvalidMessage(
            f"a broker message has __typename {typename!r}; {field.entity!r} was expected"
        )
    present = {k for k, v in message.items() if v is not None}
    if field.keys and not any(key <= present for key in field.keys):
        wanted = " or ".join(", ".join(sorted(key)) for key in field.keys)
        raise InvalidMessage(f"a broker message lacks the key fields of {field.entity} ({wanted})")
    entity: dict[str, Any] = {}
    for response_key, name in root.selected():
        entity[response_key] = field.entity if name == "__typename" else message.get(name)
    return entity
