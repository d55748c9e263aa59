"""Exceptions raised by fedgate, one branch per stage::

    GatewayError                 every error fedgate raises on purpose; has a ``code``
    ├── SupergraphError          the supergraph SDL is malformed or uses an unsupported spec
    ├── PlanningError            no plan can satisfy the operation
    ├── ExecutionError           a request could not be executed
    └── ConfigError              bad configuration (file, environment, command line)

Codes are Apollo's code strings where the meaning matches. Anything else that escapes is a bug.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ExecutionError",
    "GatewayError",
    "PlanningError",
    "SupergraphError",
]


class GatewayError(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class SupergraphError(GatewayError):
    code = "INVALID_SUPERGRAPH"


class PlanningError(GatewayError):
    code = "QUERY_PLANNING_FAILED"


class ExecutionError(GatewayError):
    code = "EXECUTION_FAILED"


class ConfigError(GatewayError):
    code = "INVALID_CONFIG"
