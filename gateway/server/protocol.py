"""GraphQL-over-HTTP rules, free of any web framework: reading request parameters,
negotiating the response media type and choosing status codes.

Follows the GraphQL-over-HTTP spec after its 2025 watershed: without an ``Accept`` header, or
with ``*/*``, the response is ``application/graphql-response+json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import orjson

__all__ = [
    "GRAPHQL_RESPONSE_JSON",
    "JSON",
    "BadRequest",
    "GraphQLParams",
    "MediaType",
    "negotiate",
    "params_from_body",
    "params_from_query",
    "status_for",
]

MediaType = Literal["application/graphql-response+json", "application/json"]
GRAPHQL_RESPONSE_JSON: Final = "application/graphql-response+json"
JSON: Final = "application/json"


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] | None = None


class BadRequest(Exception):
    """The HTTP request is not a well-formed GraphQL request: a 4xx with a GraphQL error body."""

    def __init__(self, message: str, status: int = 400, code: str = "BAD_REQUEST") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def body(self) -> dict[str, Any]:
        return {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}


def negotiate(accept: str | None) -> MediaType | None:
    """The response media type for an ``Accept`` header; ``None`` when nothing acceptable.

    Clients send few distinct ``Accept`` values: the first ones seen are remembered (a
    bounded table, so a client sending a new one each time cannot grow it)."""
    known = _NEGOTIATED.get(accept, _UNKNOWN)
    if known is not _UNKNOWN:
        return known  # type: ignore[return-value]
    media = _negotiate(accept)
    if len(_NEGOTIATED) < _NEGOTIATED_LIMIT:
        _NEGOTIATED[accept] = media
    return media


_UNKNOWN = object()
_NEGOTIATED: dict[str | None, MediaType | None] = {}
_NEGOTIATED_LIMIT = 64


def _negotiate(accept: str | None) -> MediaType | None:
    if not accept or not accept.strip():
        return GRAPHQL_RESPONSE_JSON
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, media.strip().lower()))
    for _, _, media in sorted(ranked):
        if media == GRAPHQL_RESPONSE_JSON or media in ("*/*", "application/*"):
            return GRAPHQL_RESPONSE_JSON
        if media == JSON:
            return JSON
    return None


def status_for(kind: str, media: MediaType) -> int:
    """Status for a pipeline outcome (``ok``, ``request_error``, ``method_not_allowed``).

    With ``application/json`` every well-formed request gets 200 (the legacy rule); with
    ``application/graphql-response+json`` a request error (no ``data``) is a 400.
    """
    if kind == "method_not_allowed":
        return 405
    if kind == "request_error" and media == GRAPHQL_RESPONSE_JSON:
        return 400
    return 200


def params_from_body(content_type: str | None, body: bytes) -> GraphQLParams:
    media = (content_type or "").partition(";")[0].strip().lower()
    if media != JSON:
        raise BadRequest(
            "POST requests must have Content-Type: application/json",
            status=415,
            code="UNSUPPORTED_MEDIA_TYPE",
        )
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"Invalid JSON in the request body: {exc}") from exc
    if isinstance(payload, list):
        raise BadRequest("Batched requests are not supported")
    if not isinstance(payload, dict):
        raise BadRequest("The request body must be a JSON object")
    return _params(payload)


def params_from_query(query_params: Mapping[str, str]) -> GraphQLParams:
    values: dict[str, Any] = {"query": query_params.get("query")}
    if "operationName" in query_params:
        values["operationName"] = query_params["operationName"] or None
    for key in ("variables", "extensions"):
        raw = query_params.get(key)
        if raw:
            try:
                values[key] = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise BadRequest(f"Invalid JSON in the '{key}' parameter: {exc}") from exc
    return _params(values)


def _params(payload: dict[str, Any]) -> GraphQLParams:
    query = payload.get("query")
    if query is None:
        extensions = payload.get("extensions")
        if not (isinstance(extensions, dict) and "persistedQuery" in extensions):
            raise BadRequest("Missing 'query' in the GraphQL request")
        # edge: a persisted query's hash or id alone; the server's QueryResolver finds the
        # text (or answers PERSISTED_QUERY_NOT_FOUND)
        query = ""
    if not isinstance(query, str):
        raise BadRequest("'query' must be a string")
    variables = payload.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("'variables' must be an object")
    name = payload.get("operationName")
    if name is not None and not isinstance(name, str):
        raise BadRequest("'operationName' must be a string")
    extensions = payload.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise BadRequest("'extensions' must be an object")
    return GraphQLParams(query, variables, name, extensions)


def params_from_payload(payload: dict[str, Any]) -> GraphQLParams:
    """A GraphQL request a plugin or coprocessor rewrote, checked as a client's would be."""
    return _params(payload)


def params_payload(params: GraphQLParams) -> dict[str, Any]:
    """The GraphQL request as its JSON object (what request hooks see and change)."""
    payload: dict[str, Any] = {"query": params.query}
    if params.operation_name is not None:
        payload["operationName"] = params.operation_name
    if params.variables is not None:
        payload["variables"] = params.variables
    if params.extensions is not None:
        payload["extensions"] = params.extensions
    return payload
