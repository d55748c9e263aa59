"""Python plugins the end-to-end tests load by dotted path (``tests.e2e.sample_plugins:X``),
as a user's config would: each defines only the hooks it needs."""

from __future__ import annotations

from typing import Any

from gateway.plugins import PluginRejection, RouterRequest, RouterResponse, SubgraphCall


class AddHeader:
    """Adds ``config.name: config.value`` to every subgraph request."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.name = str(config["name"]).lower()
        self.value = str(config["value"])

    def on_subgraph_request(self, call: SubgraphCall) -> None:
        call.headers[self.name] = self.value


class RequireKey:
    """Rejects requests without the ``config.header`` header: 401 ``UNAUTHENTICATED``; tags the
    response of the others with ``x-key-checked``."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.header = str(config.get("header", "x-api-key")).lower()

    async def on_request(self, request: RouterRequest) -> None:
        if self.header not in request.headers:
            raise PluginRejection(f"{self.header} is required", code="UNAUTHENTICATED", status=401)

    def on_response(self, response: RouterResponse) -> None:
        response.headers["x-key-checked"] = "yes"


class Broken:
    """A plugin with a bug: the client must get ``PLUGIN_ERROR``, never a 500."""

    def __init__(self, config: dict[str, Any]) -> None:
        pass

    def on_operation(self, operation: Any) -> None:
        raise RuntimeError("plugin bug")
