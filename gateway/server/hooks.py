"""The request and response hooks, run by the server because they see HTTP: the client's
headers and body before the pipeline, the status and headers of the answer after it.

Only called when some plugin (or the coprocessor) has such a hook; without, the server's
path is unchanged. A stop (``PluginRejection``) or a failing plugin (``PluginFailure``)
becomes a ``Stopped`` answer, never an exception out of the endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from starlette.requests import Request

from gateway.context import RequestContext
from gateway.plugins import (
    Hooks,
    PluginFailure,
    PluginRejection,
    RouterRequest,
    RouterResponse,
    run_hooks,
)

from .protocol import BadRequest, GraphQLParams, params_from_payload, params_payload

__all__ = ["Stopped", "after_response", "before_request", "run_request_hooks"]


@dataclass(frozen=True, slots=True)
class Stopped:
    body: dict[str, Any]
    status: int
    headers: dict[str, str]


def _stopped(exc: PluginRejection | PluginFailure | BadRequest) -> Stopped:
    if isinstance(exc, PluginRejection):
        return Stopped(exc.response_body(), exc.status, exc.headers)
    if isinstance(exc, BadRequest):
        return Stopped(exc.body(), exc.status, {})
    return Stopped(exc.response_body(), 200, {})


async def before_request(
    hooks: Hooks, request: Request, params: GraphQLParams, context: RequestContext
) -> tuple[GraphQLParams, RequestContext] | Stopped:
    """``on_request``: the hooks may change the headers (the context is remade with them)
    and the GraphQL request."""
    url = request.url
    return await run_request_hooks(hooks, request.method, url.path, params, context, url.query)


async def run_request_hooks(
    hooks: Hooks,
    method: str,
    path: str,
    params: GraphQLParams,
    context: RequestContext,
    query_string: str = "",
) -> tuple[GraphQLParams, RequestContext] | Stopped:
    """``before_request`` without a Starlette request (a WebSocket ``subscribe``: the
    method is the upgrade's, GET)."""
    record = RouterRequest(
        dict(context.headers), params_payload(params), context, method, path, query_string
    )
    try:
        await run_hooks(hooks.on_request, record)
        if record.body != params_payload(params):
            params = params_from_payload(record.body)
    except (PluginRejection, PluginFailure, BadRequest) as exc:
        return _stopped(exc)
    if record.headers != dict(context.headers):
        headers = {name.lower(): value for name, value in record.headers.items()}
        context = replace(context, headers=MappingProxyType(headers))
    return params, context


async def after_response(
    hooks: Hooks, body: dict[str, Any], status: int, context: RequestContext
) -> Stopped:
    """``on_response``: the hooks may change the body, the status and add headers."""
    record = RouterResponse(status, body, context)
    try:
        await run_hooks(hooks.on_response, record)
    except (PluginRejection, PluginFailure) as exc:
        return _stopped(exc)
    return Stopped(record.body, record.status, record.headers)
