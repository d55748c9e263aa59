"""The JSON access log: one line per GraphQL request (``fedgate: access_log: {enabled: true}``,
or ``FEDGATE_ACCESS_LOG=true``), off by default.

With structured logs on (``telemetry.exporters.logging.stdout``), the lines go through their
handler instead (JSON or text), with the same field names as every other log line
(gateway/telemetry/logs.py); with tracing on, ``trace_id`` is the request's trace.

A line holds the request id, the operation name, the duration, the HTTP status, the subgraph
calls (how many, and which subgraphs, in order), the client's address and, when the client
sent a ``traceparent``, the trace id. The subgraph calls are counted by ``RecordingClient``,
the outermost wrapper of the subgraph client, in the request context's scratch space, so no
stage between the server and the transport changes. The lines go to the ``fedgate.access``
logger; when nothing configured a handler for it, one writing bare lines to standard error is
added, so ``fedgate serve`` prints them without any logging setup.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

import orjson

from gateway.context import RequestContext, ScratchKey
from gateway.telemetry.current import OPERATION
from gateway.telemetry.logs import structured
from gateway.transport import SubgraphClient, SubgraphRequest, SubgraphResponse

__all__ = ["ACCESS_LOGGER", "CALLS", "AccessLog", "RecordingClient"]

ACCESS_LOGGER = "fedgate.access"
CALLS: ScratchKey[list[str]] = ScratchKey("subgraph calls")


class RecordingClient:
    """``SubgraphClient`` that notes each call's subgraph in the request's context."""

    __slots__ = ("inner",)

    def __init__(self, inner: SubgraphClient) -> None:
        self.inner = inner

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        context = request.context
        if context is not None:
            calls = context.scratch.get(CALLS)
            if calls is None:
                calls = []
                context.scratch.set(CALLS, calls)
            calls.append(request.subgraph)
        return await self.inner.fetch(request)


class AccessLog:
    """Writes the access log lines (see the module docstring)."""

    __slots__ = ("_current_span", "_log", "_structured")

    def __init__(self) -> None:
        # OpenTelemetry is loaded only with the access log on (the span's trace id, if any)
        from opentelemetry import trace

        self._current_span = trace.get_current_span
        self._log = logging.getLogger(ACCESS_LOGGER)
        self._structured = structured()
        if not self._log.handlers and not self._structured:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(message)s"))
            self._log.addHandler(handler)
            self._log.propagate = False
        if self._log.level == logging.NOTSET:
            self._log.setLevel(logging.INFO)

    def write(
        self,
        *,
        started: float,
        status: int,
        method: str,
        path: str,
        operation_name: str | None,
        context: RequestContext | None,
        client: tuple[str, int] | None,
    ) -> None:
        calls = (context.scratch.get(CALLS) if context is not None else None) or []
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "request_id": context.request_id if context is not None else None,
            "method": method,
            "path": path,
            "operation_name": OPERATION.get() or operation_name,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            "subgraph_calls": len(calls),
            "subgraphs": sorted(set(calls), key=calls.index),
            "client": client[0] if client else None,
        }
        trace = context.trace if context is not None else None
        if trace is not None:
            line["trace_id"] = trace.trace_id
        span = self._current_span().get_span_context()
        if span.is_valid:
            line["trace_id"] = format(span.trace_id, "032x")
        if self._structured:
            del line["time"]  # the structured line has its own
            self._log.info("request", extra=line)
            return
        self._log.info(orjson.dumps(line).decode())
