"""fedgate: a GraphQL federation gateway (Apollo Federation v2 compatible).

The public Python API, for embedding fedgate in an application (docs/embedding.md). The names
are imported on first use (PEP 562), so ``import gateway`` stays cheap and the package's own
modules, which import ``gateway.context`` and friends, never import the whole gateway.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.composition import compose
    from gateway.composition.model import SubgraphSource
    from gateway.config import GatewayConfig, load_config
    from gateway.context import RequestContext
    from gateway.pipeline import Gateway
    from gateway.server.app import create_app
    from gateway.supergraph import Supergraph, load_supergraph
    from gateway.transport import (
        GraphQLCoreApp,
        HttpClient,
        HttpTimeouts,
        LocalClient,
        SubgraphClient,
    )

__all__ = [
    "Gateway",
    "GatewayConfig",
    "GraphQLCoreApp",
    "HttpClient",
    "HttpTimeouts",
    "LocalClient",
    "RequestContext",
    "SubgraphClient",
    "SubgraphSource",
    "Supergraph",
    "__version__",
    "compose",
    "create_app",
    "load_config",
    "load_supergraph",
]

__version__ = "0.1.0"

# public name -> the module that defines it
_WHERE = {
    "Gateway": "gateway.pipeline",
    "GatewayConfig": "gateway.config",
    "GraphQLCoreApp": "gateway.transport",
    "HttpClient": "gateway.transport",
    "HttpTimeouts": "gateway.transport",
    "LocalClient": "gateway.transport",
    "RequestContext": "gateway.context",
    "SubgraphClient": "gateway.transport",
    "SubgraphSource": "gateway.composition.model",
    "Supergraph": "gateway.supergraph",
    "compose": "gateway.composition",
    "create_app": "gateway.server.app",
    "load_config": "gateway.config",
    "load_supergraph": "gateway.supergraph",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'gateway' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
