"""Composition of federated subgraphs into an Apollo Federation supergraph."""

from .compose import compose
from .model import (
    CompositionError,
    CompositionFailure,
    CompositionResult,
    CompositionSuccess,
    Hint,
    Location,
    SubgraphSource,
)

__all__ = [
    "CompositionError",
    "CompositionFailure",
    "CompositionResult",
    "CompositionSuccess",
    "Hint",
    "Location",
    "SubgraphSource",
    "compose",
]
