"""Subgraph transports: the ``SubgraphClient`` protocol and its HTTP and in-process clients."""

from .base import DEFAULT_HEADERS, SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError
from .http import HttpClient, HttpTimeouts
from .local import ASGIApp, GraphQLCoreApp, LocalClient

__all__ = [
    "DEFAULT_HEADERS",
    "ASGIApp",
    "GraphQLCoreApp",
    "HttpClient",
    "HttpTimeouts",
    "LocalClient",
    "SubgraphClient",
    "SubgraphRequest",
    "SubgraphResponse",
    "TransportError",
]
