"""inventory's schema: stock fields on ``Product``; ``shippingEstimate`` ``@requires`` the
product's price and weight, which the products service owns."""

from collections.abc import Sequence
from dataclasses import dataclass

import strawberry
from aiodataloader import DataLoader
from graphql import GraphQLError
from strawberry import federation

from subgraphs.common.db import Database, placeholders
from subgraphs.common.loaders import keyed_loader
from subgraphs.common.schema import SubgraphSchema
from subgraphs.common.sdl import FederationQuery
from subgraphs.common.service import RequestContext, ServiceDefinition

from . import data

FREE_SHIPPING_FROM = 100_000
"""Orders of a product costing this much (cents) or more ship free."""
BASE_SHIPPING = 499
"""Cents per parcel..."""
PER_STARTED_KG = 100
"""...plus this many cents per started kilogram."""


def shipping_estimate(price: int, weight: int) -> int:
    """Shipping cost in cents for one unit of a product of this price and weight (grams)."""
    if price >= FREE_SHIPPING_FROM:
        return 0
    started_kg = -(-weight // 1000)
    return BASE_SHIPPING + PER_STARTED_KG * started_kg


@dataclass(frozen=True)
class StockRow:
    units: int
    warehouse: str


@dataclass
class Loaders:
    """This request's loaders (see make_loaders)."""

    stock: DataLoader[str, StockRow | None]


Info = strawberry.Info[RequestContext[Loaders], None]


def _requirement_error(field: str) -> GraphQLError:
    return GraphQLError(
        f"Product.{field} is owned by the products service; inventory only gets it in an"
        " entity representation (@requires of shippingEstimate)",
        extensions={"code": "REQUIRES_FIELD_MISSING"},
    )


@federation.type(keys=["upc"])
class Product:
    """products owns products; inventory adds stock and shipping."""

    upc: str
    stock: strawberry.Private[StockRow | None]
    known_price: strawberry.Private[int | None] = None
    known_weight: strawberry.Private[int | None] = None

    @federation.field(external=True)
    def price(self) -> int:
        if self.known_price is None:
            raise _requirement_error("price")
        return self.known_price

    @federation.field(external=True)
    def weight(self) -> int:
        if self.known_weight is None:
            raise _requirement_error("weight")
        return self.known_weight

    @strawberry.field(description="Whether at least one unit is on the shelves.")
    def in_stock(self) -> bool:
        return self.stock is not None and self.stock.units > 0

    @strawberry.field(description="Units on the shelves (0 for products the warehouse never had).")
    def units_in_stock(self) -> int:
        return self.stock.units if self.stock is not None else 0

    @strawberry.field(
        description="Where the product is stored; null if the warehouse never had it."
    )
    def warehouse(self) -> str | None:
        return self.stock.warehouse if self.stock is not None else None

    @federation.field(
        requires=["price weight"],
        description=(
            f"Shipping cost in cents for one unit: free from {FREE_SHIPPING_FROM} cents,"
            f" else {BASE_SHIPPING} plus {PER_STARTED_KG} per started kilogram."
        ),
    )
    def shipping_estimate(self) -> int:
        if self.known_price is None:
            raise _requirement_error("price")
        if self.known_weight is None:
            raise _requirement_error("weight")
        return shipping_estimate(self.known_price, self.known_weight)

    @classmethod
    async def resolve_reference(
        cls, info: Info, upc: str, price: int | None = None, weight: int | None = None
    ) -> "Product":
        stock = await info.context.loaders.stock.load(upc)
        return cls(upc=upc, stock=stock, known_price=price, known_weight=weight)


def make_loaders(db: Database) -> Loaders:
    def fetch_stock(upcs: Sequence[str]) -> dict[str, StockRow]:
        rows = db.query(
            f"SELECT upc, units, warehouse FROM stock WHERE upc IN ({placeholders(len(upcs))})",
            upcs,
        )
        return {
            row["upc"]: StockRow(units=row["units"], warehouse=row["warehouse"]) for row in rows
        }

    return Loaders(stock=keyed_loader(fetch_stock))


@strawberry.type
class Query(FederationQuery):
    @strawberry.field(description="Products with fewer units on the shelves than the threshold.")
    def low_stock(self, info: Info, threshold: int = 5) -> list[Product]:
        rows = info.context.db.query(
            "SELECT upc, units, warehouse FROM stock WHERE units < ?"
            " ORDER BY units, CAST(upc AS INTEGER)",
            (threshold,),
        )
        return [
            Product(upc=row["upc"], stock=StockRow(units=row["units"], warehouse=row["warehouse"]))
            for row in rows
        ]


schema = SubgraphSchema(query=Query)

SERVICE = ServiceDefinition(
    name="inventory", schema=schema, ddl=data.DDL, seed=data.seed, make_loaders=make_loaders
)
