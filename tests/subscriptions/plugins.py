"""A plugin for the subscription tests (loaded by dotted path in ``fedgate serve``)."""

from __future__ import annotations

from typing import Any

from gateway.plugins import Operation, PluginRejection


class RefuseForbidden:
    """Refuses the operations named ``Forbidden`` (the operation hook), whatever their type."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    async def on_operation(self, operation: Operation) -> None:
        if operation.operation_name == "Forbidden":
            kind = operation.operation_type
            raise PluginRejection(f"no {kind} named Forbidden", code="FORBIDDEN_OPERATION")
