"""One subgraph call: send, then decode and check the GraphQL response's shape.

Every way a subgraph can fail becomes a ``Failure`` with Apollo Router's code, so the executor
can turn it into errors at the affected paths and carry on with the rest of the plan.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final

import orjson

from gateway.transport.base import (
    SubgraphClient,
    SubgraphRequest,
    SubgraphResponse,
    TransportError,
    drop_frames,
)

__all__ = ["CallResult", "Failure", "call_subgraph"]

log = logging.getLogger("fedgate.subgraph")

HTTP_ERROR = "SUBREQUEST_HTTP_ERROR"
MALFORMED = "SUBREQUEST_MALFORMED_RESPONSE"


@dataclass(frozen=True, slots=True)
class Failure:
    message: str
    code: str


class CallResult:
    """``data`` is the subgraph's data object (None when absent or failed); ``errors`` its raw
    GraphQL errors; ``failure`` set when the call itself failed.

    A slotted class with ``Final`` attributes (read-only to the type checker) rather than a
    frozen dataclass: one is made per subgraph call, and a frozen dataclass's generated
    ``__init__`` is interpreted even in the compiled build (one ``object.__setattr__`` per
    field, about 4,600 instructions a call there; docs/benchmarks.md, "Compiled build,
    served path"). This ``__init__`` is compiled."""

    __slots__ = ("data", "errors", "failure")

    def __init__(
        self, data: dict[str, Any] | None, errors: list[Any], failure: Failure | None = None
    ) -> None:
        self.data: Final = data
        self.errors: Final = errors
        self.failure: Final = failure

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CallResult):
            return NotImplemented
        return (self.data, self.errors, self.failure) == (other.data, other.errors, other.failure)

    def __repr__(self) -> str:
        return f"CallResult({self.data!r}, {self.errors!r}, {self.failure!r})"


async def call_subgraph(
    client: SubgraphClient,
    request: SubgraphRequest,
    entity_counts: Mapping[str, int] | None = None,
) -> CallResult:
    """``entity_counts``: for entity fetches, how many items must come back under each
    ``_entities`` response key (``_entities``, or ``_0``, ``_1``... in a batch)."""
    # one coroutine per call: the checks after the answer are plain functions
    try:
        response = await client.fetch(request)
    except TransportError as exc:
        failure = Failure(exc.message, exc.code)
        drop_frames(exc)
        result = CallResult(None, [], failure)
    else:
        result = _result(request.subgraph, response, entity_counts)
    if result.failure is not None:
        # Operators need to see subgraph trouble without reading client responses.
        log.warning("%s (%s)", result.failure.message, result.failure.code)
    return result


def _result(
    name: str, response: SubgraphResponse, entity_counts: Mapping[str, int] | None
) -> CallResult:
    decoded = _decode(response.body)
    if not 200 <= response.status < 300:
        reason = _reason(response.status)
        failure = Failure(
            f"HTTP fetch failed from '{name}': {response.status}: {reason}", HTTP_ERROR
        )
        # A GraphQL-over-HTTP subgraph explains a 4xx/5xx in the body; keep its errors.
        errors = decoded.get("errors") if isinstance(decoded, dict) else None
        return CallResult(None, errors if isinstance(errors, list) else [], failure)
    problem = _shape_problem(decoded, entity_counts)
    if problem is not None:
        return CallResult(
            None, [], Failure(f"service '{name}' response was malformed: {problem}", MALFORMED)
        )
    assert isinstance(decoded, dict)
    return CallResult(decoded.get("data"), decoded.get("errors") or [])


_INVALID = object()


def _decode(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return _INVALID


def _shape_problem(decoded: Any, entity_counts: Mapping[str, int] | None) -> str | None:
    # the usual answer first: an object with a data object, no errors, every entity list as
    # long as asked (the full check below finds nothing wrong with it either)
    if type(decoded) is dict and "errors" not in decoded:
        data = decoded.get("data")
        if type(data) is dict:
            if entity_counts is None:
                return None
            for key, count in entity_counts.items():
                entities = data.get(key)
                if type(entities) is not list or len(entities) != count:
                    break
            else:
                return None
    return _problem(decoded, entity_counts)


def _problem(decoded: Any, entity_counts: Mapping[str, int] | None) -> str | None:
    if decoded is _INVALID:
        return "invalid JSON"
    if not isinstance(decoded, dict):
        return "the response is not a JSON object"
    data = decoded.get("data")
    errors = decoded.get("errors")
    if "data" not in decoded and not errors:
        return "the response has neither data nor errors"
    if data is not None and not isinstance(data, dict):
        return "data is not an object"
    if errors is not None and not isinstance(errors, list):
        return "errors is not a list"
    if entity_counts is not None and data is not None:
        for key, count in entity_counts.items():
            entities = data.get(key)
            if entities is None:
                if errors:
                    continue
                return f"{key} is missing"
            if not isinstance(entities, list):
                return f"{key} is not a list"
            if len(entities) != count:
                return f"expected {count} {key}, got {len(entities)}"
    return None


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
