"""The five service definitions, by name."""

from typing import Any

from subgraphs.accounts.service import SERVICE as ACCOUNTS
from subgraphs.common.service import ServiceDefinition
from subgraphs.inventory.service import SERVICE as INVENTORY
from subgraphs.orders.service import SERVICE as ORDERS
from subgraphs.products.service import SERVICE as PRODUCTS
from subgraphs.reviews.service import SERVICE as REVIEWS

SERVICES: dict[str, ServiceDefinition[Any]] = {
    service.name: service for service in (ACCOUNTS, PRODUCTS, INVENTORY, REVIEWS, ORDERS)
}
