"""Publish mutations: a ``SubgraphClient`` in front of the real one that answers the events
subgraph's mutation fetches itself. Each publish field's arguments, as a JSON object, are
published to its subject (a template over those arguments); the field answers Cosmo's
``edfs__PublishResult``: ``{success: true}``, or ``{success: false}`` with an
``EVENT_PUBLISH_FAILED`` error when the broker did not take the message. Every other request
goes to the real client unchanged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from gateway.transport.base import SubgraphClient, SubgraphRequest, SubgraphResponse

from .fields import EventField
from .operation import RootField, arguments, root_fields
from .runtime import Events
from .stream import BrokerError
from .template import TemplateError, render

__all__ = ["PublishClient"]

_JSON = {"content-type": "application/json"}


class PublishClient:
    def __init__(
        self,
        inner: SubgraphClient,
        events: Events,
        fields: Mapping[str, EventField],  # mutation field name -> publish field
        subgraphs: frozenset[str],
    ) -> None:
        self._inner = inner
        self._events = events
        self._fields = fields
        self._subgraphs = subgraphs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)  # the real client's extras (open, close, ...)

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        if request.subgraph not in self._subgraphs:
            return await self._inner.fetch(request)
        body = request.body if isinstance(request.body, Mapping) else orjson.loads(request.body)
        query = str(body.get("query", ""))
        if not query.lstrip().startswith("mutation"):
            return await self._inner.fetch(request)
        variables = body.get("variables") or {}
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for root in root_fields(query):
            field = self._fields.get(root.name)
            if field is None:
                return await self._inner.fetch(request)  # not a publish field: the subgraph's
            ok = await self._publish(field, root, variables, errors)
            data[root.response_key] = _result(root, ok)
        answer: dict[str, Any] = {"data": data}
        if errors:
            answer["errors"] = errors
        return SubgraphResponse(request.subgraph, 200, orjson.dumps(answer), _JSON)

    async def _publish(
        self,
        field: EventField,
        root: RootField,
        variables: Mapping[str, Any],
        errors: list[dict[str, Any]],
    ) -> bool:
        values = arguments(root, variables)
        try:
            subject = render(field.subjects[0], values)
            broker = self._events.broker(field.broker, field.provider)
            await broker.publish(subject, orjson.dumps(values))
        except (TemplateError, BrokerError) as exc:
            message = exc.message if isinstance(exc, BrokerError) else str(exc)
            errors.append(
                {
                    "message": f"The event was not published: {message}",
                    "path": [root.response_key],
                    "extensions": {"code": "EVENT_PUBLISH_FAILED"},
                }
            )
            return False
        return True


def _result(root: RootField, success: bool) -> dict[str, Any]:
    return {
        key: "edfs__PublishResult" if name == "__typename" else success
        for key, name in root.selected()
    }
