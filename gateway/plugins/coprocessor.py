"""Apollo Router's external coprocessor protocol, as a built-in plugin on the same hooks.

At each configured stage the gateway POSTs one JSON object to the stage's ``url`` (default
``coprocessor.url``) and waits (at most ``coprocessor.timeout``) for one back::

    {"version": 1, "stage": "RouterRequest", "control": "continue", "id": "<request id>",
     "headers": {"name": ["value", ...]}, "body": "...", "context": {"entries": {...}}, ...}

Only the parts the stage's config turns on are sent (``headers: true``, ``body: true``...),
and only when its ``condition`` holds. The answer may change ``headers``, ``body`` and
``context`` (entries are merged in; what it leaves out stays as it was). At a request stage
``"control": {"break": <HTTP status>}`` stops the request: its ``body`` (a GraphQL response,
or text used as the error message) goes to the client with that status; at SubgraphRequest
it becomes the subgraph's answer instead. At a response stage a break sets the status of the
response, whose body and headers the answer may change as usual. Stages:
``RouterRequest``/``RouterResponse`` (the body is JSON text, as Apollo sends it),
``SupergraphRequest``/``SupergraphResponse``, ``ExecutionRequest`` (on the plan hook; the
context may change, the request may be stopped) /``ExecutionResponse`` and
``SubgraphRequest``/``SubgraphResponse`` (the body is a JSON object). A failed exchange
(``coprocessor_wire.py`` says which) answers ``COPROCESSOR_ERROR`` (the log has the detail).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson

from gateway.config import CoprocessorConfig, CoprocessorStage
from gateway.config.conditions import evaluate
from gateway.planner.format import format_plan
from gateway.planner.plan_json import plan_to_json

from .api import (
    PlanInfo,
    RouterRequest,
    RouterResponse,
    SubgraphCall,
    SubgraphResult,
    context_entries,
)
from .coprocessor_wire import (
    VERSION,
    CoprocessorError,
    StageFacts,
    apply_context,
    break_status,
    check_answer,
    graphql_body,
    headers_of,
    make_session,
    post,
    rejection,
    sent_context,
    wire_headers,
)

__all__ = ["Coprocessor", "CoprocessorError"]

log = logging.getLogger("fedgate.plugins")


class Coprocessor:
    """One coprocessor; ``fedgate_hooks`` names the stages configured, so the others cost
    nothing."""

    fedgate_error_code = "COPROCESSOR_ERROR"

    def __init__(self, config: CoprocessorConfig, sdl: str | None = None) -> None:
        self.config = config
        self._sdl = sdl
        self._session: aiohttp.ClientSession | None = None
        self._detached: set[asyncio.Future[None]] = set()
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
        if self._detached:
            # each is bounded by the coprocessor timeout
            await asyncio.gather(*self._detached, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _exchange(
        self, stage: CoprocessorStage, payload: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The checked answer; ``None`` for a detached stage, sent in the background."""
        if not stage.detached:
            return await self._call(stage, payload)
        task = asyncio.ensure_future(self._detached_call(stage, payload))
        self._detached.add(task)
        task.add_done_callback(self._detached.discard)
        return None

    async def _detached_call(self, stage: CoprocessorStage, payload: dict[str, Any]) -> None:
        try:
            await self._call(stage, payload)
        except Exception as exc:  # nobody waits for it: the log is the only place to say so
            log.warning(
                "coprocessor %s (detached) failed (request %s): %s",
                payload["stage"],
                payload["id"],
                exc,
            )

    async def _call(self, stage: CoprocessorStage, payload: dict[str, Any]) -> dict[str, Any]:
        if self._session is None:
            self._session = make_session(self.config.timeout, self.config.dns_resolution_strategy)
        answer = await post(self._session, stage.url or self.config.url, payload)
        return check_answer(answer, payload)

    def _payload(
        self, name: str, request_id: str, stage: CoprocessorStage, context: Any
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "version": VERSION,
            "stage": name,
            "control": "continue",
            "id": request_id,
        }
        if "context" in stage.sent and context is not None:
            payload["context"] = {"entries": sent_context(stage, context)}
        if "sdl" in stage.sent and self._sdl is not None:
            payload["sdl"] = self._sdl
        return payload

    async def _round(
        self,
        name: str,
        stage: CoprocessorStage,
        request_id: str,
        context: Any,
        parts: tuple[tuple[str, str, Callable[[], Any]], ...],
    ) -> _Answer | None:
        """One exchange: the payload with the ``parts`` the stage sends (config option, wire
        key, value), the answer's context merged in; ``None`` for a detached stage."""
        payload = self._payload(name, request_id, stage, context)
        sent = stage.sent
        for option, key, value in parts:
            if option in sent:
                payload[key] = value()
        answer = await self._exchange(stage, payload)
        if answer is None:
            return None  # detached: not waited for
        apply_context(answer, context)
        return _Answer(answer, payload, break_status(answer, name))

    # RouterRequest, SupergraphRequest / ExecutionResponse, SupergraphResponse, RouterResponse

    async def on_request(self, request: RouterRequest) -> None:
        if self.config.router_request is not None:
            await self._request("RouterRequest", self.config.router_request, True, request)
        if self.config.supergraph_request is not None:
            await self._request("SupergraphRequest", self.config.supergraph_request, False, request)

    async def _request(
        self, name: str, stage: CoprocessorStage, router: bool, record: RouterRequest
    ) -> None:
        if stage.condition is not None and not evaluate(stage.condition, _request_facts(record)):
            return

        def headers() -> Any:
            # the client's own headers (each line of a repeated one) unless a plugin changed them
            client = record.context.headers
            return wire_headers(client if record.headers == dict(client) else record.headers)

        def body() -> Any:
            if not router:
                return record.body
            # the HTTP body as text: a GET has none (its operation is in the path)
            return "" if record.method == "GET" else orjson.dumps(record.body).decode()

        def path() -> str:
            query = f"?{record.query_string}" if record.query_string else ""
            return record.path + query

        parts = (
            ("headers", "headers", headers),
            ("body", "body", body),
            ("path", "path", path),
            ("method", "method", lambda: record.method),
        )
        done = await self._round(name, stage, record.context.request_id, record.context, parts)
        if done is None:
            return
        answer = done.answer
        if done.status is not None:
            raise rejection(answer, done.status, name)
        if "headers" in answer:
            record.headers = headers_of(answer["headers"])
        if "body" in answer and answer["body"] != done.payload.get("body"):
            record.body = _request_body(answer["body"], name)

    async def on_plan(self, info: PlanInfo) -> None:
        """ExecutionRequest: the plan is made. The context may change, and a break stops the
        request; changed headers or body are not applied (the operation is planned)."""
        stage = self.config.execution_request
        assert stage is not None  # only hooked when configured
        context = info.context

        def query_plan() -> Any:
            assert info.plan is not None  # only asked for with a plan
            # Apollo Router's fields (``root``, ``formatted_query_plan``) and the gateway
            # shape (``kind``, ``node``) the plan has in ``apolloQueryPlan``
            plan = plan_to_json(info.plan)
            plan["root"] = plan.get("node")
            plan["formatted_query_plan"] = format_plan(info.plan)
            return plan

        parts: tuple[tuple[str, str, Callable[[], Any]], ...] = (
            ("headers", "headers", lambda: wire_headers(context.headers)),
            ("body", "body", lambda: info.body),
            ("method", "method", lambda: "POST"),
        )
        if info.plan is not None:
            parts += (("query_plan", "queryPlan", query_plan),)
        done = await self._round("ExecutionRequest", stage, context.request_id, context, parts)
        if done is not None and done.status is not None:
            raise rejection(done.answer, done.status, "ExecutionRequest")

    async def on_response(self, response: RouterResponse) -> None:
        # Apollo's order: the inner service answers first
        config = self.config
        if config.execution_response is not None:
            await self._response("ExecutionResponse", config.execution_response, False, response)
        if config.supergraph_response is not None:
            await self._response("SupergraphResponse", config.supergraph_response, False, response)
        if config.router_response is not None:
            await self._response("RouterResponse", config.router_response, True, response)

    async def _response(
        self, name: str, stage: CoprocessorStage, router: bool, record: RouterResponse
    ) -> None:
        if stage.condition is not None and not evaluate(stage.condition, _response_facts(record)):
            return
        parts = (
            ("headers", "headers", lambda: wire_headers(record.headers)),
            (
                "body",
                "body",
                lambda: orjson.dumps(record.body).decode() if router else record.body,
            ),
            ("status_code", "statusCode", lambda: record.status),
        )
        done = await self._round(name, stage, record.context.request_id, record.context, parts)
        if done is None:
            return
        answer = done.answer
        if done.status is not None:
            record.status = done.status
        if "headers" in answer:
            record.headers = headers_of(answer["headers"])
        if "body" in answer and answer["body"] != done.payload.get("body"):
            record.body = _response_body(answer["body"], name)

    # SubgraphRequest / SubgraphResponse

    async def on_subgraph_request(self, call: SubgraphCall) -> None:
        stage = self.config.subgraph_request
        assert stage is not None  # only hooked when configured
        if stage.condition is not None and not evaluate(stage.condition, _call_facts(call)):
            return
        request_id = call.context.request_id if call.context is not None else ""
        parts = (
            ("headers", "headers", lambda: wire_headers(call.headers)),
            ("body", "body", lambda: call.body),
            ("uri", "uri", lambda: call.url),
            ("method", "method", lambda: "POST"),
            ("service_name", "serviceName", lambda: call.subgraph),
            ("subgraph_request_id", "subgraphRequestId", lambda: call.call_id),
        )
        done = await self._round("SubgraphRequest", stage, request_id, call.context, parts)
        if done is None:
            return
        answer = done.answer
        if done.status is not None:
            raise rejection(answer, done.status, "SubgraphRequest")
        if "headers" in answer:
            call.headers = headers_of(answer["headers"])
        if "body" in answer:
            call.body = _request_body(answer["body"], "SubgraphRequest")
        if isinstance(answer.get("uri"), str):
            call.url = answer["uri"]

    async def on_subgraph_response(self, result: SubgraphResult) -> None:
        stage = self.config.subgraph_response
        assert stage is not None  # only hooked when configured
        if stage.condition is not None and not evaluate(stage.condition, _result_facts(result)):
            return
        request_id = result.context.request_id if result.context is not None else ""
        parts = (
            ("headers", "headers", lambda: wire_headers(result.headers)),
            ("body", "body", lambda: result.body),
            ("service_name", "serviceName", lambda: result.subgraph),
            ("status_code", "statusCode", lambda: result.status),
            ("subgraph_request_id", "subgraphRequestId", lambda: result.call_id),
        )
        done = await self._round("SubgraphResponse", stage, request_id, result.context, parts)
        if done is None:
            return
        answer = done.answer
        if done.status is not None:
            result.status = done.status
        if "headers" in answer:
            result.headers = headers_of(answer["headers"])
        if "body" in answer:
            result.body = _response_body(answer["body"], "SubgraphResponse")


@dataclass(frozen=True, slots=True)
class _Answer:
    """A waited-for stage's answer, the payload it answers and its break status, if any."""

    answer: dict[str, Any]
    payload: dict[str, Any]
    status: int | None


def _response_body(body: Any, stage: str) -> dict[str, Any]:
    """A changed GraphQL response (JSON text of one is parsed); anything else fails."""
    parsed = graphql_body(body, stage)
    if not isinstance(parsed, dict):
        raise CoprocessorError(f"{stage}: the body must be a GraphQL response")
    return parsed


def _request_body(body: Any, stage: str) -> dict[str, Any]:
    """A changed GraphQL request: an object with a ``query`` string (JSON text of one at the
    router stage); anything else fails, as Apollo's router refuses a malformed body."""
    if isinstance(body, str):
        try:
            body = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise CoprocessorError(f"{stage}: the body is not JSON") from exc
    if not isinstance(body, dict) or not isinstance(body.get("query", ""), str):
        raise CoprocessorError(f"{stage}: the body must be a GraphQL request object")
    return body


# what each stage's condition can read (built only for a stage that has a condition)


def _request_facts(record: RouterRequest) -> StageFacts:
    body = record.body
    return StageFacts(
        request_header=record.headers,
        request_method=record.method,
        request_context=_entries(record.context),
        operation_name=body.get("operationName"),
        query=body.get("query"),
        query_variable=body.get("variables") or {},
    )


def _response_facts(record: RouterResponse) -> StageFacts:
    entries = _entries(record.context)
    return StageFacts(
        request_header=record.context.headers,
        request_method=None,
        request_context=entries,
        response_context=entries,
        response_header=record.headers,
        response_status=record.status,
        on_graphql_error=bool(record.body.get("errors")),
        is_primary_response=True,  # one response part until @defer and subscriptions
    )


def _call_facts(call: SubgraphCall) -> StageFacts:
    return StageFacts(
        subgraph_name=call.subgraph,
        supergraph_request_header=call.context.headers if call.context is not None else {},
        request_context=_entries(call.context),
        subgraph_request_header=call.headers,
        subgraph_operation_name=call.body.get("operationName"),
        subgraph_query=call.body.get("query"),
        subgraph_query_variable=call.body.get("variables") or {},
    )


def _result_facts(result: SubgraphResult) -> StageFacts:
    entries = _entries(result.context)
    body = result.body if isinstance(result.body, dict) else {}
    return StageFacts(
        subgraph_name=result.subgraph,
        supergraph_request_header=result.context.headers if result.context is not None else {},
        request_context=entries,
        response_context=entries,
        subgraph_response_header=result.headers,
        subgraph_response_status=result.status,
        subgraph_on_graphql_error=bool(body.get("errors")),
    )


def _entries(context: Any) -> dict[str, Any]:
    return context_entries(context) if context is not None else {}
