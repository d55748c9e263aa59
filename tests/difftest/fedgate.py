"""fedgate under test: the real pipeline over HTTP to the data server, in both plan modes.

``batch``: BatchFetch waves (what ``fedgate serve`` uses by default); ``tree``: the tree plan.
No in-flight sharing (``SharingClient``) and no client-request sharing: nothing may hide a
difference. Each mode gets its own ``Gateway`` (and so its own operation cache).
"""

from __future__ import annotations

from typing import Any

from gateway.config import GatewayConfig
from gateway.config.auth import AuthorizationConfig
from gateway.pipeline import Gateway
from gateway.supergraph import load_supergraph
from gateway.transport.http import HttpClient

__all__ = ["MODES", "Fedgate"]

MODES = ("batch", "tree")


class Fedgate:
    def __init__(self) -> None:
        self.client = HttpClient()
        self._gateways: dict[tuple[str, str], Gateway] = {}

    def load(self, case: str, sdl: str) -> str | None:
        """Build both modes' gateways; the error text when fedgate refuses the supergraph."""
        try:
            supergraph = load_supergraph(sdl, source=case)
            for mode in MODES:
                # the references do not enforce @authenticated/@requiresScopes/@policy (Apollo
                # Gateway has no authorization): compared on federation alone, as they answer
                config = GatewayConfig(
                    batch_fetches=mode == "batch", authorization=AuthorizationConfig(enabled=False)
                )
                self._gateways[(case, mode)] = Gateway(supergraph, self.client, config)
        except Exception as error:
            return f"{type(error).__name__}: {error}"
        return None

    async def execute(
        self, mode: str, case: str, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return await self._gateways[(case, mode)].execute(query, variables or {})

    async def close(self) -> None:
        await self.client.close()
