"""``RecordedSpan``s into an OTLP ``ExportTraceServiceRequest``: the ``opentelemetry-proto``
generated messages, filled as the SDK's encoder fills them (the same fields, kinds, flags
and value types), at a part of its cost.

Filling a protobuf message from Python costs about 1,000 instructions per field set, so
the encoder sets as few as it can: each span is added in place (``spans.add()``, no message
built and then copied into the list), and a span's name, kind and string attributes (such
as ``subgraph.name`` and ``url.full``, which repeat from request to request; not the
``VOLATILE`` ones) are parsed from a serialized template made once per distinct set (a
bounded cache) instead of being set one by one. Numbers are set on each span: they are
the values that differ between requests (sizes, counts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import Span, SpanFlags
from opentelemetry.trace import SpanKind

from .spans import RecordedSpan

__all__ = ["SpanEncoder"]

TEMPLATES = 1024  # distinct (name, kind, string attributes) sets kept
# string attributes with a new value on every request: set on each span, never in a template
VOLATILE = frozenset({"fedgate.request_id"})
_KINDS = {
    SpanKind.INTERNAL: Span.SpanKind.SPAN_KIND_INTERNAL,
    SpanKind.SERVER: Span.SpanKind.SPAN_KIND_SERVER,
    SpanKind.CLIENT: Span.SpanKind.SPAN_KIND_CLIENT,
    SpanKind.PRODUCER: Span.SpanKind.SPAN_KIND_PRODUCER,
    SpanKind.CONSUMER: Span.SpanKind.SPAN_KIND_CONSUMER,
}
_LOCAL = SpanFlags.SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK
_REMOTE = _LOCAL | SpanFlags.SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK


class SpanEncoder:
    """One per exporter (its template cache is used by the export thread only)."""

    __slots__ = ("_templates", "resource", "scope")

    def __init__(self, resource: Mapping[str, Any], scope: str, version: str) -> None:
        self.resource = Resource()
        fill_attributes(self.resource.attributes, resource)
        self.scope = InstrumentationScope(name=scope, version=version)
        self._templates: dict[tuple[Any, ...], bytes] = {}

    def request(self, spans: Sequence[RecordedSpan]) -> ExportTraceServiceRequest:
        request = ExportTraceServiceRequest()
        resource_spans = request.resource_spans.add()
        resource_spans.resource.CopyFrom(self.resource)
        scope_spans = resource_spans.scope_spans.add()
        scope_spans.scope.CopyFrom(self.scope)
        add = scope_spans.spans.add
        last_trace = -1
        trace_bytes = b""
        for span in spans:
            out = add()
            strings, numbers = _split(span.attributes)
            out.MergeFromString(self._template(span.name, span.kind, strings))
            if span.trace_id != last_trace:  # a request's spans come together
                last_trace = span.trace_id
                trace_bytes = last_trace.to_bytes(16, "big")
            out.trace_id = trace_bytes
            out.span_id = span.span_id.to_bytes(8, "big")
            if span.parent_id:
                out.parent_span_id = span.parent_id.to_bytes(8, "big")
            if span.remote_parent:
                out.flags = _REMOTE
            if span.trace_state:
                out.trace_state = span.trace_state.to_header()
            out.start_time_unix_nano = span.start_time
            out.end_time_unix_nano = span.end_time
            if numbers:
                fill_attributes(out.attributes, numbers)
            if span.status_code:
                out.status.code = span.status_code
                if span.status_message:
                    out.status.message = span.status_message
            if span.events:
                for name, time, attributes in span.events:
                    event = out.events.add(name=name, time_unix_nano=time)
                    fill_attributes(event.attributes, attributes)
        return request

    def _template(self, name: str, kind: SpanKind, strings: tuple[tuple[str, Any], ...]) -> bytes:
        """The serialized span with the name, kind, flags and ``strings`` set."""
        key = (name, kind, strings)
        found = self._templates.get(key)
        if found is None:
            template = Span(name=name, kind=_KINDS[kind], flags=_LOCAL)
            fill_attributes(template.attributes, dict(strings))
            found = template.SerializeToString()
            if len(self._templates) >= TEMPLATES:
                self._templates.clear()  # a burst of distinct values: start again
            self._templates[key] = found
        return found


def _split(attributes: dict[str, Any]) -> tuple[tuple[tuple[str, Any], ...], dict[str, Any]]:
    """The string (and boolean) attributes, as a template key, and the others."""
    strings = []
    numbers = {}
    for item in attributes.items():
        kind = type(item[1])
        if (kind is str or kind is bool) and item[0] not in VOLATILE:
            strings.append(item)
        else:
            numbers[item[0]] = item[1]
    return tuple(strings), numbers


def fill_attributes(target: Any, attributes: Mapping[str, Any]) -> None:
    """``attributes`` appended to a repeated ``KeyValue`` field."""
    for key, value in attributes.items():
        _value(target.add(key=key).value, value)


def _value(out: AnyValue, value: Any) -> None:
    # the SDK's _encode_value, by the same type tests (bool before int)
    if value is None:
        return
    if isinstance(value, bool):
        out.bool_value = value
    elif isinstance(value, str):
        out.string_value = value
    elif isinstance(value, int):
        out.int_value = value
    elif isinstance(value, float):
        out.double_value = value
    elif isinstance(value, bytes):
        out.bytes_value = value
    elif isinstance(value, Sequence):
        values = out.array_value.values
        for item in value:
            _value(values.add(), item)
    elif isinstance(value, Mapping):
        fill_attributes(out.kvlist_value.values, {str(k): v for k, v in value.items()})
    else:
        out.string_value = str(value)
