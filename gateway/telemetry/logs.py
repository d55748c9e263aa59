"""Structured logs (``telemetry.exporters.logging.stdout``): every ``fedgate.*`` log line as
one JSON object (or ``key=value`` text for a terminal) on standard output, with the request
id, trace id and operation name of the request it is about.

The request's fields live in a context variable that the pipeline sets once per request
(only when structured logs are on); the formatter reads it and the current OpenTelemetry span,
so a warning logged deep in the transport still says which request and trace it belongs to.
The access log (``fedgate.access``) goes through the same handler with the same field names.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import orjson

from gateway.config.telemetry import LoggingConfig
from gateway.context import RequestContext

from .current import OPERATION

__all__ = ["HANDLER_NAME", "StructuredFormatter", "bind_request", "configure_logging"]

HANDLER_NAME = "fedgate-structured"
_REQUEST: ContextVar[tuple[str | None, str | None, str | None] | None] = ContextVar(
    "fedgate_log_request", default=None
)
# the LogRecord's own attributes: anything else on a record came in through ``extra``
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def bind_request(context: RequestContext | None, operation_name: str | None) -> Callable[[], None]:
    """Put the request's fields on every log line until the returned function is called."""
    request_id = context.request_id if context is not None else None
    client_trace = context.trace.trace_id if context is not None and context.trace else None
    token = _REQUEST.set((request_id, operation_name, client_trace))
    return lambda: _REQUEST.reset(token)


def request_fields() -> dict[str, Any]:
    """The current request's fields (and the current span's trace and span ids)."""
    fields: dict[str, Any] = {}
    bound = _REQUEST.get()
    if bound is not None:
        request_id, operation_name, client_trace = bound
        fields["request_id"] = request_id
        operation_name = OPERATION.get() or operation_name
        if operation_name is not None:
            fields["operation_name"] = operation_name
        if client_trace is not None:
            fields["trace_id"] = client_trace
    from opentelemetry import trace

    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        fields["trace_id"] = format(span.trace_id, "032x")
        fields["span_id"] = format(span.span_id, "016x")
    return fields


class StructuredFormatter(logging.Formatter):
    """One JSON object per line, or ``time level logger message key=value ...``."""

    def __init__(self, format: str = "json") -> None:
        super().__init__()
        self.json = format == "json"

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields.update(request_fields())
        for key, value in vars(record).items():
            if key not in _STANDARD:
                fields[key] = value
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        if self.json:
            return orjson.dumps(fields, default=str).decode()
        head = f"{fields.pop('time')} {fields.pop('level').upper():7} {fields.pop('logger')}"
        rest = " ".join(f"{k}={v}" for k, v in fields.items() if k != "message")
        return f"{head} {fields['message']} {rest}".rstrip()


def configure_logging(config: LoggingConfig) -> None:
    """The ``fedgate`` loggers write structured lines to standard output (idempotent)."""
    root = logging.getLogger("fedgate")
    for handler in list(root.handlers):
        # ours from an earlier app, or uvicorn's plain one (gateway.server.run): one line each
        root.removeHandler(handler)
    tty = sys.stdout.isatty()
    chosen = config.tty_format if tty and config.tty_format else config.format
    handler = logging.StreamHandler(sys.stdout)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(StructuredFormatter(chosen))
    root.addHandler(handler)
    root.setLevel(config.level.upper())
    root.propagate = False


def structured() -> bool:
    """Whether structured logging is set up (the access log then uses it)."""
    return any(h.get_name() == HANDLER_NAME for h in logging.getLogger("fedgate").handlers)
