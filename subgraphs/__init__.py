"""The example graph: five federated subgraph services of a small online shop.

``accounts``, ``products``, ``inventory``, ``reviews`` and ``orders`` are independent
strawberry-graphql federation services, each with its own SQLite file. See
``subgraphs/README.md`` for the design and :mod:`subgraphs.run_all` to start them all.
"""

SERVICE_NAMES: tuple[str, ...] = ("accounts", "products", "inventory", "reviews", "orders")
"""All services, in port order: ``accounts`` listens on base port + 1, ``orders`` on + 5."""

DEFAULT_BASE_PORT = 4000
"""The gateway's port; the services listen on the five ports after it."""


def default_port(service: str, base_port: int = DEFAULT_BASE_PORT) -> int:
    """The port of ``service`` when the gateway listens on ``base_port``."""
    return base_port + 1 + SERVICE_NAMES.index(service)
