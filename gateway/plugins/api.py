"""The Python plugin API: named hook points, what each hook receives, and how a hook stops a
request.

A plugin is any class, listed in the config (``fedgate.plugins: [{path: "pkg.mod:Class",
config: {...}}]``), built once at start-up with its ``config`` mapping, and defining only the
hooks it needs, each a plain or ``async`` method taking one argument:

    on_request(RouterRequest)            the client's HTTP request, before parsing
    on_operation(Operation)              the parsed and validated operation
    on_plan(PlanInfo)                    the query plan about to run
    on_subgraph_request(SubgraphCall)    each subgraph request, before it is sent
    on_subgraph_response(SubgraphResult) each subgraph response, before it is merged
    on_response(RouterResponse)          the response, before it is sent to the client

The records are mutable on purpose: a hook changes the headers, the body or the response in
place. Per-request values go in ``context.scratch`` (typed keys) or ``context_entries`` (the
string-keyed entries Apollo's coprocessors see as ``context.entries``). A hook stops the
request by raising ``PluginRejection``; any other exception answers ``PLUGIN_ERROR``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.context import CONTEXT_ENTRIES, RequestContext
from gateway.planner.plan import QueryPlan

__all__ = [
    "CONTEXT_ENTRIES",
    "HOOK_NAMES",
    "Operation",
    "PlanInfo",
    "PluginRejection",
    "RouterRequest",
    "RouterResponse",
    "SubgraphCall",
    "SubgraphResult",
    "context_entries",
]

HOOK_NAMES = (
    "on_request",
    "on_operation",
    "on_plan",
    "on_subgraph_request",
    "on_subgraph_response",
    "on_response",
)


def context_entries(context: RequestContext) -> dict[str, Any]:
    """The request's context entries (made on first use)."""
    entries = context.scratch.get(CONTEXT_ENTRIES)
    if entries is None:
        entries = {}
        context.scratch.set(CONTEXT_ENTRIES, entries)
    return entries


class PluginRejection(Exception):
    """Raised by a hook to stop the request: the client gets ``{"errors": [{message, code}]}``
    (or ``body`` when given) with HTTP ``status`` and ``headers``."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "PLUGIN_REJECTED",
        status: int = 400,
        headers: Mapping[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.headers = dict(headers or {})
        self.body = body

    def response_body(self) -> dict[str, Any]:
        if self.body is not None:
            return self.body
        return {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}


@dataclass(slots=True)
class RouterRequest:
    """``body``: the GraphQL request (``query``, ``variables``, ``operationName``,
    ``extensions``); ``headers``: the client's, lower-case names (changes reach the header
    rules and later hooks); ``query_string``: the URL's, without ``?``."""

    headers: dict[str, str]
    body: dict[str, Any]
    context: RequestContext
    method: str = "POST"
    path: str = "/graphql"
    query_string: str = ""


@dataclass(slots=True)
class Operation:
    """``document``: graphql-core's parsed document (shared with the cache: read it, do not
    change it; reject instead)."""

    document: Any
    operation_name: str | None
    operation_type: str
    context: RequestContext


@dataclass(slots=True)
class PlanInfo:
    """``plan``: the cached plan about to run (``None`` when planning failed; read only);
    ``body``: the GraphQL request (``query``, ``operationName``, ``variables``)."""

    plan: QueryPlan | None
    context: RequestContext
    body: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SubgraphCall:
    """One subgraph request; ``body`` is the GraphQL request sent (``query``, ``variables``);
    ``call_id`` names this call in both subgraph hooks (Apollo's ``subgraphRequestId``)."""

    subgraph: str
    url: str
    headers: dict[str, str]
    body: dict[str, Any]
    context: RequestContext | None
    call_id: str = ""


@dataclass(slots=True)
class SubgraphResult:
    """One subgraph response; ``body`` is its decoded JSON (``None`` when it is not JSON)."""

    subgraph: str
    status: int
    headers: dict[str, str]
    body: Any
    context: RequestContext | None
    call_id: str = ""


@dataclass(slots=True)
class RouterResponse:
    """``headers``: headers to add to the client's response; ``status``: the HTTP status."""

    status: int
    body: dict[str, Any]
    context: RequestContext
    headers: dict[str, str] = field(default_factory=dict)
