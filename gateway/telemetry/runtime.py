"""``Telemetry``: what the observability settings build (OpenTelemetry traces, Prometheus
metrics, structured logs; ``telemetry.exporters``; docs/observability.md).

``Telemetry`` is built once per app from the first config and kept across reloads. The
pipeline and the server ask it, once when they are built, to wrap their steps
(``wrap_run``, ``wrap_prepare``, ``wrap_execute``, ``wrap_call``, ``wrap_client``): each
returns the step unchanged when its part is off, so telemetry that is not configured adds no
work to any request, and the instrumented paths are chosen once, never tested per call.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Container, Mapping
from typing import Any, TypeVar

from opentelemetry.context import attach, detach
from opentelemetry.trace import Status, StatusCode, get_current_span, set_span_in_context

from gateway.config.telemetry import TelemetryConfig
from gateway.context import RequestContext
from gateway.transport.base import SubgraphClient, SubgraphRequest

from .current import OPERATION as _OPERATION
from .logs import bind_request, configure_logging
from .metrics import Metrics, subgraph_error_codes
from .resilience_metrics import ResilienceMetrics
from .spans import start_child
from .tracing import Call, Tracing, TracingClient, failed, traced_call, unsampled

__all__ = ["Telemetry"]

F = TypeVar("F", bound=Callable[..., Any])
Run = Callable[..., Awaitable[Any]]
Prepare = Callable[..., Any]  # Gateway.prepare(query, operation_name, labels, access)


class Telemetry:
    """The app's tracer provider, metrics and log set-up (each None when off)."""

    __slots__ = ("_resilience", "config", "metrics", "tracing")

    def __init__(self, config: TelemetryConfig, *, tracing: Tracing | None = None) -> None:
        self.config = config
        self.tracing = tracing or (Tracing(config.tracing) if config.tracing else None)
        self.metrics = Metrics(config.metrics) if config.metrics else None
        self._resilience: ResilienceMetrics | None = None
        if config.logging is not None:
            configure_logging(config.logging)

    def shutdown(self) -> None:
        if self.tracing is not None:
            self.tracing.shutdown()
        if self.metrics is not None:
            self.metrics.shutdown()

    # -- the pipeline --------------------------------------------------------------------

    def wrap_run(self, run: Run) -> Run:
        """``Gateway.run``: the ``supergraph`` span, the request metrics, the log context."""
        wrapped = run
        if self.config.logging is not None:
            wrapped = _logged_run(wrapped)
        if self.metrics is not None:
            wrapped = _metered_run(self.metrics, wrapped)
        if self.tracing is not None:
            wrapped = _traced_run(self.tracing, wrapped)
        return wrapped

    def wrap_prepare(
        self, prepare: Prepare, cache: Container[Any], key_of: Callable[..., Any]
    ) -> Prepare:
        """``Gateway.prepare``: the ``query_planning`` span and the plan cache metrics."""
        if self.config.empty:
            return prepare
        tracer = self.tracing.tracer if self.tracing is not None else None
        metrics = self.metrics

        def prepare_operation(
            query: str,
            operation_name: str | None,
            labels: frozenset[str] = frozenset(),
            access: Any = None,
        ) -> Any:
            hit = key_of(query, operation_name, labels, access) in cache
            if metrics is not None:
                metrics.child(metrics.plan_cache, "hit" if hit else "miss").inc()
            if tracer is None or unsampled():
                entry = prepare(query, operation_name, labels, access)
            else:
                parent = get_current_span()
                if hit:
                    # a dict lookup: an attribute on the supergraph span, not a span of its own
                    entry = prepare(query, operation_name, labels, access)
                else:
                    with tracer.start_as_current_span(
                        "query_planning", attributes={"fedgate.plan.cache": "miss"}
                    ):
                        entry = prepare(query, operation_name, labels, access)
                described: dict[str, Any] = {"fedgate.plan.cache": "hit" if hit else "miss"}
                kind = getattr(entry, "operation_type", None)
                if kind is not None:
                    described["graphql.operation.type"] = kind
                name = getattr(entry, "operation_name", None)
                if name is not None:
                    described["graphql.operation.name"] = name
                parent.set_attributes(described)  # one call, not three
            # the operation's own name (a client may leave operationName out)
            _OPERATION.set(getattr(entry, "operation_name", None))
            if metrics is not None and not hit:
                metrics.cache_size.set(len(cache))  # type: ignore[arg-type]
            return entry

        return prepare_operation

    def wrap_execute(self, execute: F) -> F:
        """``Gateway._execute``: the ``execution`` span."""
        if self.tracing is None:
            return execute
        tracer = self.tracing.tracer

        async def traced(*args: Any, **kwargs: Any) -> Any:
            span = start_child(tracer, "execution")
            if span is None:  # not sampled
                return await execute(*args, **kwargs)
            # made current by hand: start_as_current_span's context manager costs more
            token = attach(set_span_in_context(span))
            try:
                return await execute(*args, **kwargs)
            except BaseException as exc:
                failed(span, exc)
                raise
            finally:
                detach(token)
                span.end()

        return traced  # type: ignore[return-value]

    def front_tracer(self) -> Any:
        """The tracer the front stages (parse, validate, plan) use on a cache miss."""
        return self.tracing.tracer if self.tracing is not None else None

    def wrap_call(self, call: Call) -> Call:
        """The executor's subgraph call: the ``fetch`` span and the subgraph metrics."""
        wrapped = call
        if self.metrics is not None:
            wrapped = _metered_call(self.metrics, wrapped)
        if self.tracing is not None:
            wrapped = traced_call(self.tracing.tracer, wrapped)
        return wrapped

    # -- the server ----------------------------------------------------------------------

    def resilience_observer(self) -> ResilienceMetrics | None:
        """What the resilience guards report to (breaker states, retries, bulkhead
        refusals), with metrics on; one per app, shared by the clients of every reload."""
        if self.metrics is None:
            return None
        if self._resilience is None:
            self._resilience = ResilienceMetrics(self.metrics.instruments)
        return self._resilience

    def wrap_client(self, client: SubgraphClient) -> SubgraphClient:
        """The innermost subgraph client: the ``subgraph_request`` span and traceparent."""
        if self.tracing is None:
            return client
        return TracingClient(client, self.tracing)


def _traced_run(tracing: Tracing, run: Run) -> Run:
    tracer = tracing.tracer

    async def traced(
        query: str, variables: Any = None, operation_name: str | None = None, **options: Any
    ) -> Any:
        attributes = {"graphql.operation.name": operation_name} if operation_name else None
        span = start_child(tracer, "supergraph", attributes=attributes)
        if span is None:  # not sampled
            return await run(query, variables, operation_name, **options)
        token = attach(set_span_in_context(span))
        try:
            response = await run(query, variables, operation_name, **options)
            errors = response.body.get("errors")
            if errors:
                codes = sorted({c for c in subgraph_error_codes(errors)})
                span.set_attributes({"fedgate.errors": len(errors), "graphql.error.codes": codes})
                span.set_status(Status(StatusCode.ERROR, codes[0] if codes else None))
            return response
        except BaseException as exc:
            failed(span, exc)
            raise
        finally:
            detach(token)
            span.end()

    return traced


def _metered_run(metrics: Metrics, run: Run) -> Run:
    async def metered(
        query: str, variables: Any = None, operation_name: str | None = None, **options: Any
    ) -> Any:
        metrics.in_flight.inc()
        _OPERATION.set(None)
        started = time.perf_counter()
        try:
            response = await run(query, variables, operation_name, **options)
        finally:
            metrics.in_flight.dec()
        kind = response.kind
        outcome = kind if kind != "ok" else ("errors" if response.body.get("errors") else "ok")
        prepared = _OPERATION.get()
        invalid = kind == "request_error" and prepared is None  # never became an operation
        label = metrics.operation_label(prepared or operation_name, invalid)
        elapsed = time.perf_counter() - started
        metrics.child(metrics.request_duration, label, outcome).observe(elapsed)
        return response

    return metered


def _logged_run(run: Run) -> Run:
    async def logged(
        query: str, variables: Any = None, operation_name: str | None = None, **options: Any
    ) -> Any:
        context: RequestContext | None = options.get("context")
        _OPERATION.set(None)
        token = bind_request(context, operation_name)
        try:
            return await run(query, variables, operation_name, **options)
        finally:
            token()

    return logged


def _metered_call(metrics: Metrics, call: Call) -> Call:
    async def metered(
        client: SubgraphClient, request: SubgraphRequest, counts: Mapping[str, int] | None = None
    ) -> Any:
        name = request.subgraph
        if counts is not None:
            metrics.child(metrics.entity_batch, name).observe(sum(counts.values()))
        started = time.perf_counter()
        result = await call(client, request, counts)
        failure = result.failure
        outcome = "ok" if failure is None and not result.errors else "error"
        elapsed = time.perf_counter() - started
        metrics.child(metrics.subgraph_duration, name, outcome).observe(elapsed)
        if failure is not None:
            metrics.child(metrics.subgraph_errors, name, failure.code).inc()
        if result.errors:
            for code in subgraph_error_codes(result.errors):
                metrics.child(metrics.subgraph_errors, name, code).inc()
        return result

    return metered
