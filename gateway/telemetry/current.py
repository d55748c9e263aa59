"""What telemetry knows about the request being answered, in context variables: set once per
request by the instrumented pipeline steps (only when some telemetry is on), read by the
metrics, the log lines and the access log of the same request."""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["OPERATION"]

# the prepared operation's own name (a client may leave operationName out)
OPERATION: ContextVar[str | None] = ContextVar("fedgate_operation_name", default=None)
