"""fedgate: a GraphQL federation gateway (Apollo Federation v2 compatible)."""

__all__ = ["__version__"]

__version__ = "0.1.0"
