"""Apollo Router's external coprocessor protocol, as a built-in plugin on the same hooks.

At each configured stage the gateway POSTs one JSON object to ``coprocessor.url`` and waits
(at most ``coprocessor.timeout``) for one back::

    {"version": 1, "stage": "RouterRequest", "control": "continue", "id": "<request id>",
     "headers": {"name": ["value", ...]}, "body": "...", "context": {"entries": {...}}, ...}

Only the parts the stage's config turns on are sent (``headers: true``, ``body: true``...).
The answer may change ``headers``, ``body`` and ``context`` (what it leaves out stays as it
was), or stop the request with ``"control": {"break": <HTTP status>}``: its ``body`` (a
GraphQL response object, or a string used as the error message) then goes to the client with
that status; at the subgraph stages it becomes the subgraph's answer instead. Stages:
``RouterRequest``/``RouterResponse`` (the body is JSON text, as Apollo sends it),
``SupergraphRequest``/``SupergraphResponse``, ``ExecutionRequest`` (on the plan hook; the
context may change, the request may be stopped) /``ExecutionResponse`` and
``SubgraphRequest``/``SubgraphResponse`` (the body is a JSON object). An unreachable
coprocessor, a timeout, a non-200 answer, or an answer that is not such an object, or changes
``id``, answers ``COPROCESSOR_ERROR`` (the log has the detail).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
import orjson

from gateway.config import CoprocessorConfig
from gateway.planner.plan_json import plan_to_json
from gateway.transport.headers import RESERVED

from .api import (
    PlanInfo,
    PluginRejection,
    RouterRequest,
    RouterResponse,
    SubgraphCall,
    SubgraphResult,
    context_entries,
)

__all__ = ["Coprocessor", "CoprocessorError"]

VERSION = 1
_NOT_RESPONSE_HEADERS = RESERVED | {"host", "accept", "accept-encoding", "x-request-id"}
BREAK_CODE = "COPROCESSOR_BREAK"


class CoprocessorError(Exception):
    """The coprocessor did not answer as the protocol says."""


class Coprocessor:
    """One coprocessor URL; ``fedgate_hooks`` names the stages configured, so the others
    cost nothing."""

    fedgate_error_code = "COPROCESSOR_ERROR"

    def __init__(self, config: CoprocessorConfig, sdl: str | None = None) -> None:
        self.config = config
        self._sdl = sdl
        self._session: aiohttp.ClientSession | None = None
        stages = {
            "on_request": (config.router_request, config.supergraph_request),
            "on_plan": (config.execution_request,),
            "on_response": (
                config.router_response,
                config.supergraph_response,
                config.execution_response,
            ),
            "on_subgraph_request": (config.subgraph_request,),
            "on_subgraph_response": (config.subgraph_response,),
        }
        self.fedgate_hooks = frozenset(
            name for name, sent in stages.items() if any(s is not None for s in sent)
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(self, payload: dict[str, Any]) -> dict[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.config.timeout)
            )
        data = orjson.dumps(payload)
        headers = {"content-type": "application/json"}
        try:
            async with self._session.post(self.config.url, data=data, headers=headers) as resp:
                raw = await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise CoprocessorError(f"{payload['stage']}: {type(exc).__name__}: {exc}") from exc
        if status != 200:
            raise CoprocessorError(f"{payload['stage']}: HTTP {status}")
        try:
            answer = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise CoprocessorError(f"{payload['stage']}: the answer is not JSON") from exc
        if not isinstance(answer, dict) or answer.get("version", VERSION) != VERSION:
            raise CoprocessorError(f"{payload['stage']}: not a version 1 coprocessor answer")
        for key in ("id", "subgraphRequestId"):
            if key in payload and answer.get(key, payload[key]) != payload[key]:
                raise CoprocessorError(f"{payload['stage']}: the answer changed {key}")
        control = answer.get("control", "continue")
        if control != "continue":
            _break(control, answer, payload["stage"])
        return answer

    # RouterRequest, SupergraphRequest / SupergraphResponse, RouterResponse

    async def on_request(self, request: RouterRequest) -> None:
        if self.config.router_request is not None:
            await self._outer("RouterRequest", self.config.router_request, True, request)
        if self.config.supergraph_request is not None:
            await self._outer("SupergraphRequest", self.config.supergraph_request, False, request)

    async def on_plan(self, info: PlanInfo) -> None:
        """ExecutionRequest: the plan is made. The context may change, and a break stops the
        request; changed headers or body are not applied (the operation is planned)."""
        sent = self.config.execution_request or frozenset()
        payload = self._payload("ExecutionRequest", info.context.request_id, sent, info)
        if "headers" in sent:
            payload["headers"] = _wire_headers(info.context.headers)
        if "body" in sent:
            payload["body"] = info.body
        if "method" in sent:
            payload["method"] = "POST"
        if "query_plan" in sent and info.plan is not None:
            payload["queryPlan"] = plan_to_json(info.plan)
        _apply_context(await self._call(payload), info)

    async def on_response(self, response: RouterResponse) -> None:
        # Apollo's order: the inner service answers first
        if self.config.execution_response is not None:
            sent = self.config.execution_response
            await self._outer("ExecutionResponse", sent, False, response)
        if self.config.supergraph_response is not None:
            sent = self.config.supergraph_response
            await self._outer("SupergraphResponse", sent, False, response)
        if self.config.router_response is not None:
            await self._outer("RouterResponse", self.config.router_response, True, response)

    async def _outer(
        self,
        stage: str,
        sent: frozenset[str],
        as_text: bool,
        record: RouterRequest | RouterResponse,
    ) -> None:
        """The router stages send the body as JSON text, the supergraph stages as an object."""
        payload = self._payload(stage, record.context.request_id, sent, record)
        if "headers" in sent:
            payload["headers"] = _wire_headers(record.headers)
        if "body" in sent:
            payload["body"] = orjson.dumps(record.body).decode() if as_text else record.body
        if isinstance(record, RouterRequest):
            if "path" in sent:
                payload["path"] = record.path
            if "method" in sent:
                payload["method"] = record.method
        elif "status_code" in sent:
            payload["statusCode"] = record.status
        answer = await self._call(payload)
        if "headers" in answer:
            record.headers = _headers_of(answer["headers"])
        if "body" in answer:
            body = _json_body(answer["body"])
            if isinstance(body, dict):
                record.body = body
        if isinstance(record, RouterResponse) and isinstance(answer.get("statusCode"), int):
            record.status = answer["statusCode"]
        _apply_context(answer, record)

    # SubgraphRequest / SubgraphResponse

    async def on_subgraph_request(self, call: SubgraphCall) -> None:
        sent = self.config.subgraph_request or frozenset()
        request_id = call.context.request_id if call.context is not None else ""
        payload = self._payload("SubgraphRequest", request_id, sent, call)
        if "headers" in sent:
            payload["headers"] = _wire_headers(call.headers)
        if "body" in sent:
            payload["body"] = call.body
        if "uri" in sent:
            payload["uri"] = call.url
        if "method" in sent:
            payload["method"] = "POST"
        if "service_name" in sent:
            payload["serviceName"] = call.subgraph
        if "subgraph_request_id" in sent:
            payload["subgraphRequestId"] = call.call_id
        answer = await self._call(payload)
        if "headers" in answer:
            call.headers = _headers_of(answer["headers"])
        if isinstance(answer.get("body"), dict):
            call.body = answer["body"]
        if isinstance(answer.get("uri"), str):
            call.url = answer["uri"]
        _apply_context(answer, call)

    async def on_subgraph_response(self, result: SubgraphResult) -> None:
        sent = self.config.subgraph_response or frozenset()
        request_id = result.context.request_id if result.context is not None else ""
        payload = self._payload("SubgraphResponse", request_id, sent, result)
        if "headers" in sent:
            payload["headers"] = _wire_headers(result.headers)
        if "body" in sent:
            payload["body"] = result.body
        if "service_name" in sent:
            payload["serviceName"] = result.subgraph
        if "status_code" in sent:
            payload["statusCode"] = result.status
        if "subgraph_request_id" in sent:
            payload["subgraphRequestId"] = result.call_id
        answer = await self._call(payload)
        if "headers" in answer:
            result.headers = _headers_of(answer["headers"])
        if isinstance(answer.get("body"), dict):
            result.body = answer["body"]
        if isinstance(answer.get("statusCode"), int):
            result.status = answer["statusCode"]
        _apply_context(answer, result)

    def _payload(
        self, stage: str, request_id: str, sent: frozenset[str], record: Any
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "version": VERSION,
            "stage": stage,
            "control": "continue",
            "id": request_id,
        }
        if "context" in sent and record.context is not None:
            payload["context"] = {"entries": context_entries(record.context)}
        if "sdl" in sent and self._sdl is not None:
            payload["sdl"] = self._sdl
        return payload


def _break(control: Any, answer: Mapping[str, Any], stage: str) -> None:
    status = control.get("break") if isinstance(control, dict) else None
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise CoprocessorError(f"{stage}: control must be 'continue' or {{'break': status}}")
    body = _json_body(answer.get("body"))
    headers = _headers_of(answer["headers"]) if "headers" in answer else {}
    # a coprocessor that echoes the request sends its framing headers back: never ours
    headers = {k: v for k, v in headers.items() if k not in _NOT_RESPONSE_HEADERS}
    if isinstance(body, dict):
        raise PluginRejection(
            "stopped by the coprocessor", status=status, headers=headers, body=body
        )
    message = body if isinstance(body, str) and body else f"Stopped by the coprocessor ({stage})"
    raise PluginRejection(message, code=BREAK_CODE, status=status, headers=headers)


def _json_body(body: Any) -> Any:
    """Apollo sends router bodies as JSON text; a coprocessor may answer text or an object.
    Text that is not a JSON object stays text (a break's error message)."""
    if isinstance(body, str):
        try:
            decoded = orjson.loads(body)
        except orjson.JSONDecodeError:
            return body
        return decoded if isinstance(decoded, dict) else body
    return body


def _wire_headers(headers: Mapping[str, str]) -> dict[str, list[str]]:
    return {name: [value] for name, value in headers.items()}


def _headers_of(wire: Any) -> dict[str, str]:
    if not isinstance(wire, dict):
        raise CoprocessorError("headers must be an object of name → list of values")
    out: dict[str, str] = {}
    for name, values in wire.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise CoprocessorError(f"header {name!r} must be a list of strings")
        out[str(name).lower()] = ", ".join(values)
    return out


def _apply_context(answer: Mapping[str, Any], record: Any) -> None:
    context = answer.get("context")
    if record.context is None or not isinstance(context, dict):
        return
    entries = context.get("entries")
    if isinstance(entries, dict):
        mine = context_entries(record.context)
        mine.clear()
        mine.update(entries)
