"""fedgate's span and tracer: OpenTelemetry API objects (``opentelemetry.trace.Span`` and
``Tracer``, so the API's context, ``get_current_span`` and anything written against the API
work unchanged) recorded as cheaply as Python allows, encoded and exported off the request
path by ``export.SpanExport`` (decision 0023).

What the SDK's span does per span and this one does not: a lock per attribute write,
attribute validation and copying (``BoundedAttributes``), a ``SpanContext`` built at start
(here only when asked for: the traceparent is written from the ids), the sampler asked for
every span (here once per trace: its decision is the trace's, exactly as the SDK's
``ParentBased`` sampler decides for a local parent; a plain ratio sampler decides on the
trace id, the same for every span of it), span processors called through a multi-processor
and a ``ReadableSpan`` copy at the end. The ids are drawn as the SDK's
``RandomIdGenerator`` draws them (``random.getrandbits``).
"""

from __future__ import annotations

import random
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from time import time_ns
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context, attach, detach
from opentelemetry.sdk.trace.sampling import Decision, Sampler
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    TraceState,
    get_current_span,
    set_span_in_context,
)
from opentelemetry.util import types

__all__ = ["RecordedSpan", "SpanTracer", "start_child"]

_SAMPLED = TraceFlags(TraceFlags.SAMPLED)
_NOT_SAMPLED = TraceFlags(TraceFlags.DEFAULT)
_EMPTY_STATE = TraceState()
Event = tuple[str, int, Mapping[str, Any]]


class RecordedSpan(trace.Span):
    """A sampled span: plain fields, written by the request's own task only (no lock); on
    ``end`` it is handed to ``sink`` (the export queue) and not changed again."""

    __slots__ = (
        "_context",
        "attributes",
        "end_time",
        "events",
        "kind",
        "name",
        "parent_id",
        "remote_parent",
        "sink",
        "span_id",
        "start_time",
        "status_code",
        "status_message",
        "trace_id",
        "trace_state",
    )

    def __init__(
        self,
        name: str,
        trace_id: int,
        span_id: int,
        parent_id: int,
        remote_parent: bool,
        kind: SpanKind,
        attributes: dict[str, Any],
        trace_state: TraceState,
        sink: Callable[[RecordedSpan], None],
    ) -> None:
        self.name = name
        self.trace_id = trace_id
        self.span_id = span_id
        self.parent_id = parent_id  # 0: a root span
        self.remote_parent = remote_parent
        self.kind = kind
        self.attributes = attributes
        self.trace_state = trace_state
        self.sink = sink
        self.events: list[Event] | None = None
        self.status_code = 0  # StatusCode.UNSET's value, as OTLP numbers it
        self.status_message = ""
        self.end_time = 0
        self._context: SpanContext | None = None
        self.start_time = time_ns()

    def get_span_context(self) -> SpanContext:
        context = self._context
        if context is None:
            context = self._context = SpanContext(
                self.trace_id, self.span_id, False, _SAMPLED, self.trace_state
            )
        return context

    def is_recording(self) -> bool:
        return self.end_time == 0

    def set_attribute(self, key: str, value: types.AnyValue) -> None:
        if self.end_time == 0:
            self.attributes[key] = value

    def set_attributes(self, attributes: Mapping[str, types.AnyValue]) -> None:
        if self.end_time == 0:
            self.attributes.update(attributes)

    def add_event(
        self,
        name: str,
        attributes: types.Attributes = None,
        timestamp: int | None = None,
    ) -> None:
        if self.end_time == 0:
            if self.events is None:
                self.events = []
            self.events.append((name, timestamp or time_ns(), dict(attributes or {})))

    def update_name(self, name: str) -> None:
        if self.end_time == 0:
            self.name = name

    def set_status(self, status: Status | StatusCode, description: str | None = None) -> None:
        # the SDK's rules: OK is final, UNSET is ignored, a description only with ERROR
        if self.end_time != 0 or self.status_code == StatusCode.OK.value:
            return
        if isinstance(status, Status):
            code, description = status.status_code, status.description
        else:
            code = status
        if code is StatusCode.UNSET:
            return
        self.status_code = code.value
        self.status_message = (description or "") if code is StatusCode.ERROR else ""

    def record_exception(
        self,
        exception: BaseException,
        attributes: types.Attributes = None,
        timestamp: int | None = None,
        escaped: bool = False,
    ) -> None:
        """An ``exception`` event with the semantic-convention attributes, as the SDK's."""
        kind = type(exception)
        module = kind.__module__
        name = f"{module}.{kind.__qualname__}" if module and module != "builtins" else kind.__name__
        described: dict[str, Any] = {
            "exception.type": name,
            "exception.message": str(exception),
            "exception.stacktrace": "".join(traceback.format_exception(exception)),
            "exception.escaped": str(escaped),
        }
        described.update(attributes or {})
        self.add_event("exception", described, timestamp)

    def end(self, end_time: int | None = None) -> None:
        if self.end_time == 0:
            self.end_time = end_time or time_ns()
            self.sink(self)


class SpanTracer(trace.Tracer):
    """``start_span`` and ``start_as_current_span`` with the SDK's sampling decisions,
    making ``RecordedSpan``s (sampled) or the API's ``NonRecordingSpan`` (dropped: it
    carries the trace id, flagged unsampled, on to the subgraphs)."""

    __slots__ = ("sampler", "sink")

    def __init__(self, sampler: Sampler, sink: Callable[[RecordedSpan], None]) -> None:
        self.sampler = sampler
        self.sink = sink

    def start_span(
        self,
        name: str,
        context: Context | None = None,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: types.Attributes = None,
        links: Sequence[trace.Link] | None = None,
        start_time: int | None = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
    ) -> trace.Span:
        parent = get_current_span(context)
        values = dict(attributes) if attributes else {}
        span: trace.Span
        if type(parent) is RecordedSpan:
            # a local sampled parent: its trace, sampled (no sampler call: module docstring)
            span = RecordedSpan(
                name,
                parent.trace_id,
                _span_id(),
                parent.span_id,
                False,
                kind,
                values,
                parent.trace_state,
                self.sink,
            )
        else:
            span = self._root(name, context, parent, kind, values)
        if start_time is not None and isinstance(span, RecordedSpan):
            span.start_time = start_time
        return span

    def _root(
        self,
        name: str,
        context: Context | None,
        parent: trace.Span,
        kind: SpanKind,
        values: dict[str, Any],
    ) -> trace.Span:
        """A span without a recorded local parent: the client's (remote) parent, an
        unsampled local one, or none. The sampler decides, as in the SDK."""
        found = parent.get_span_context()
        valid = found.is_valid
        trace_id = found.trace_id if valid else _trace_id()
        sampled = self.sampler.should_sample(context, trace_id, name, kind, values)
        state = sampled.trace_state or (found.trace_state if valid else _EMPTY_STATE)
        if sampled.decision is not Decision.RECORD_AND_SAMPLE:  # RECORD_ONLY is not exported
            return NonRecordingSpan(SpanContext(trace_id, _span_id(), False, _NOT_SAMPLED, state))
        if sampled.attributes:
            values.update(sampled.attributes)
        parent_id = found.span_id if valid else 0
        remote = valid and found.is_remote
        return RecordedSpan(
            name, trace_id, _span_id(), parent_id, remote, kind, values, state, self.sink
        )

    # the API declares its own context-manager type; contextlib's behaves the same
    @contextmanager
    def start_as_current_span(  # type: ignore[override]
        self,
        name: str,
        context: Context | None = None,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: types.Attributes = None,
        links: Sequence[trace.Link] | None = None,
        start_time: int | None = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
        end_on_exit: bool = True,
    ) -> Iterator[trace.Span]:
        span = self.start_span(name, context, kind, attributes, links, start_time)
        token = attach(set_span_in_context(span, context))
        try:
            yield span
        except BaseException as exc:
            if span.is_recording():
                if record_exception:
                    span.record_exception(exc, escaped=True)
                if set_status_on_exception:
                    span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
            raise
        finally:
            detach(token)
            if end_on_exit:
                span.end()


def start_child(
    tracer: trace.Tracer,
    name: str,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: dict[str, Any] | None = None,
) -> trace.Span | None:
    """A span under the current one (taking ``attributes`` as they are, not a copy), or
    None when the current trace is not sampled: what ``unsampled()`` and ``start_span``
    ask, with one context lookup between them (the request's steps each make one)."""
    current = get_current_span()
    if type(current) is RecordedSpan:
        return RecordedSpan(
            name,
            current.trace_id,
            _span_id(),
            current.span_id,
            False,
            kind,
            attributes if attributes is not None else {},
            current.trace_state,
            current.sink,
        )
    if current.get_span_context().is_valid and not current.is_recording():
        return None
    return tracer.start_span(name, kind=kind, attributes=attributes)


def _span_id() -> int:
    # RandomIdGenerator's draw; zero is not a valid id (one draw in 2**64 repeats)
    span_id = random.getrandbits(64)
    while span_id == 0:
        span_id = random.getrandbits(64)
    return span_id


def _trace_id() -> int:
    trace_id = random.getrandbits(128)
    while trace_id == 0:
        trace_id = random.getrandbits(128)
    return trace_id
