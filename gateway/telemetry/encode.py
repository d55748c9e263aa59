"""``RecordedSpan``s into an OTLP ``ExportTraceServiceRequest``: the ``opentelemetry-proto``
generated messages, filled as the SDK's encoder fills them (the same fields, kinds, flags
and value types), at a part of its cost.

Filling a protobuf message from Python costs about 1,000 instructions per field set (an
attribute is three: the key, the value, the value's type), while parsing the same fields
from bytes is C and costs a fraction. So each span is added in place (``spans.add()``, no
message built and then copied into the list) and its name, kind and attributes are parsed in
one ``MergeFromString`` from pieces serialized once each by the same generated classes: one
piece per (name, kind) and one per attribute (key, value), kept in a bounded cache
(attribute values repeat from request to request: subgraph names, URLs, status codes,
sizes of the same operation's answers). Serialized messages concatenate as a merge
(protobuf's rule for repeated fields: the pieces' attributes are appended in order), so the
bytes on the wire are the ones the SDK's encoder would make, never written by hand. Ids and
times differ on every span and are set on it.
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

PIECES = 8192  # serialized (name, kind) and (key, value) pieces kept; then started again
# string attributes with a new value on every request: never kept as pieces
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
    """One per exporter (its piece cache is used by the export thread only)."""

    __slots__ = ("_heads", "_once", "_pieces", "resource", "scope")

    def __init__(self, resource: Mapping[str, Any], scope: str, version: str) -> None:
        self.resource = Resource()
        fill_attributes(self.resource.attributes, resource)
        self.scope = InstrumentationScope(name=scope, version=version)
        self._pieces: dict[tuple[str, Any], bytes] = {}
        self._heads: dict[tuple[str, SpanKind], bytes] = {}
        self._once: set[tuple[str, Any]] = set()  # values seen once, without a piece yet

    def request(self, spans: Sequence[RecordedSpan]) -> ExportTraceServiceRequest:
        request = ExportTraceServiceRequest()
        resource_spans = request.resource_spans.add()
        resource_spans.resource.CopyFrom(self.resource)
        scope_spans = resource_spans.scope_spans.add()
        scope_spans.scope.CopyFrom(self.scope)
        add = scope_spans.spans.add
        pieces = self._pieces
        heads = self._heads
        seen = self._once
        last_trace = -1
        trace_bytes = b""
        for span in spans:
            out = add()
            head = heads.get((span.name, span.kind))
            if head is None:
                head = self._head(span.name, span.kind)
            parts = [head]
            late = None
            for item in span.attributes.items():
                kind = type(item[1])
                # True == 1 and 1.0 == 1 as keys: only str and int values have pieces
                piece = pieces.get(item) if kind is str or kind is int else None
                if piece is None:
                    if (kind is not str and kind is not int) or item not in seen:
                        # a value seen for the first time is set on the span: a piece
                        # costs twice that, and pays only for a value that comes again
                        if kind is str or kind is int:
                            self._seen(item)
                        late = late or []
                        late.append(item)
                        continue
                    piece = self._piece(item)
                parts.append(piece)
            out.MergeFromString(b"".join(parts))
            if late is not None:
                fill_attributes(out.attributes, dict(late))
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
            if span.status_code:
                out.status.code = span.status_code
                if span.status_message:
                    out.status.message = span.status_message
            if span.events:
                for name, time, attributes in span.events:
                    event = out.events.add(name=name, time_unix_nano=time)
                    fill_attributes(event.attributes, attributes)
        return request

    def _seen(self, item: tuple[str, Any]) -> None:
        if len(self._once) >= PIECES:
            self._once.clear()
        self._once.add(item)

    def _head(self, name: str, kind: SpanKind) -> bytes:
        """The serialized span holding ``name``, ``kind`` and the flags."""
        head: bytes = Span(name=name, kind=_KINDS[kind], flags=_LOCAL).SerializeToString()
        if len(self._heads) >= PIECES:
            self._heads.clear()
        self._heads[(name, kind)] = head
        return head

    def _piece(self, key: tuple[str, Any]) -> bytes:
        """The serialized span holding one attribute."""
        piece = _single(*key)
        if key[0] in VOLATILE:
            return piece
        if len(self._pieces) >= PIECES:
            self._pieces.clear()  # a burst of distinct values: start again
        self._pieces[key] = piece
        return piece


def _single(key: str, value: Any) -> bytes:
    """A span with the one attribute, serialized."""
    span = Span()
    _value(span.attributes.add(key=key).value, value)
    piece: bytes = span.SerializeToString()
    return piece


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
