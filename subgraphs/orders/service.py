"""orders' schema: ``Order`` entity, ``User.orders``, ``Product.unitsAvailable`` and the
``placeOrder`` mutation, which checks the sales ledger and records the order."""

import asyncio
from collections import Counter
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import strawberry
from aiodataloader import DataLoader
from graphql import GraphQLError
from strawberry import federation

from subgraphs.common.db import Database, placeholders
from subgraphs.common.loaders import grouped_loader, keyed_loader
from subgraphs.common.schema import SubgraphSchema
from subgraphs.common.sdl import FederationQuery
from subgraphs.common.service import RequestContext, ServiceDefinition

from . import data
from .nats_feed import publish_order


@dataclass(frozen=True)
class OrderRow:
    id: int
    buyer_id: str
    placed_at: str


@dataclass(frozen=True)
class LineRow:
    order_id: int
    upc: str
    quantity: int


@dataclass
class Loaders:
    """This request's loaders (see make_loaders)."""

    orders: DataLoader[int, OrderRow | None]
    orders_by_buyer: DataLoader[str, list[OrderRow]]
    lines_by_order: DataLoader[int, list[LineRow]]
    available: DataLoader[str, int | None]


Info = strawberry.Info[RequestContext[Loaders], None]


@federation.type(keys=["upc"])
class Product:
    """products owns products; orders adds the sales allocation."""

    upc: str

    @strawberry.field(
        description=(
            "Units that can still be ordered: the sales allocation left after all placed"
            " orders. placeOrder checks and decrements it."
        )
    )
    async def units_available(self, info: Info) -> int:
        available = await info.context.loaders.available.load(self.upc)
        return available if available is not None else 0

    @classmethod
    def resolve_reference(cls, upc: str) -> "Product":
        # A key is all this service needs; unitsAvailable is loaded (batched) on demand.
        return cls(upc=upc)


@federation.type(keys=["id"])
class User:
    """accounts owns users; orders adds their orders."""

    id: strawberry.ID

    @strawberry.field(description="Orders this user placed, newest first.")
    async def orders(self, info: Info) -> list["Order"]:
        rows = await info.context.loaders.orders_by_buyer.load(str(self.id))
        return [Order.from_row(row) for row in rows]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "User":
        return cls(id=id)


@strawberry.type(description="One product and how many units of it an order holds.")
class OrderLine:
    product: Product
    quantity: int


@federation.type(
    keys=["id"], description="A placed order (signed-in clients only).", authenticated=True
)
class Order:
    id: strawberry.ID
    buyer: User
    placed_at: str = strawberry.field(description="ISO 8601 UTC time the order was placed.")

    @strawberry.field
    async def lines(self, info: Info) -> list[OrderLine]:
        rows = await info.context.loaders.lines_by_order.load(int(self.id))
        return [OrderLine(product=Product(upc=row.upc), quantity=row.quantity) for row in rows]

    @strawberry.field(description="Units in the order, all lines together.")
    async def item_count(self, info: Info) -> int:
        rows = await info.context.loaders.lines_by_order.load(int(self.id))
        return sum(row.quantity for row in rows)

    @classmethod
    def from_row(cls, row: OrderRow) -> "Order":
        return cls(
            id=strawberry.ID(str(row.id)),
            buyer=User(id=strawberry.ID(row.buyer_id)),
            placed_at=row.placed_at,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> "Order | None":
        order_id = _order_id(id)
        row = await info.context.loaders.orders.load(order_id) if order_id is not None else None
        return cls.from_row(row) if row is not None else None


def _order_id(id: strawberry.ID) -> int | None:
    try:
        return int(id)
    except ValueError:
        return None


@strawberry.input(description="One line of a new order.")
class OrderLineInput:
    upc: str
    quantity: int = strawberry.field(description="Units; at least 1.")


@strawberry.input(description="A new order.")
class PlaceOrderInput:
    buyer_id: strawberry.ID = strawberry.field(
        description="The buyer (a User id; accounts owns users, orders does not check them)."
    )
    lines: list[OrderLineInput]


def _user_error(message: str, code: str, **details: object) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **details})


def place_order(db: Database, order: PlaceOrderInput, now: datetime | None = None) -> OrderRow:
    """Check the sales ledger and record ``order`` in one transaction (all or nothing).

    Raises a GraphQLError with ``extensions.code``: ``BAD_USER_INPUT`` (no lines, or a
    quantity below 1), ``UNKNOWN_PRODUCT`` (a upc the ledger does not know) or
    ``INSUFFICIENT_STOCK`` (with ``shortages``: upc, requested, available per product).
    """
    if not order.lines:
        raise _user_error("An order needs at least one line.", "BAD_USER_INPUT")
    for line in order.lines:
        if line.quantity < 1:
            raise _user_error(
                f"Quantity must be at least 1 (got {line.quantity} for product {line.upc}).",
                "BAD_USER_INPUT",
                upc=line.upc,
            )
    requested = Counter[str]()
    for line in order.lines:
        requested[line.upc] += line.quantity
    upcs = list(requested)
    placed_at = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")

    with db.transaction():
        rows = db.query(
            f"SELECT upc, available FROM allocations WHERE upc IN ({placeholders(len(upcs))})",
            upcs,
        )
        available = {row["upc"]: row["available"] for row in rows}
        unknown = [upc for upc in upcs if upc not in available]
        if unknown:
            raise _user_error(
                f"Unknown product: {', '.join(unknown)}.", "UNKNOWN_PRODUCT", upcs=unknown
            )
        shortages = [
            {"upc": upc, "requested": requested[upc], "available": available[upc]}
            for upc in upcs
            if requested[upc] > available[upc]
        ]
        if shortages:
            details = "; ".join(
                f"product {s['upc']}: requested {s['requested']}, available {s['available']}"
                for s in shortages
            )
            raise _user_error(
                f"Insufficient stock ({details}).", "INSUFFICIENT_STOCK", shortages=shortages
            )
        db.execute(
            "UPDATE allocations SET available = available - CASE upc "
            + " ".join("WHEN ? THEN ?" for _ in upcs)
            + f" END WHERE upc IN ({placeholders(len(upcs))})",
            [value for upc in upcs for value in (upc, requested[upc])] + upcs,
        )
        cursor = db.execute(
            "INSERT INTO orders (buyer_id, placed_at) VALUES (?, ?)",
            (str(order.buyer_id), placed_at),
        )
        order_id = cursor.lastrowid
        assert order_id is not None
        db.execute(
            "INSERT INTO order_lines (order_id, line_no, upc, quantity) VALUES "
            + ", ".join("(?, ?, ?, ?)" for _ in order.lines),
            [
                value
                for line_no, line in enumerate(order.lines, start=1)
                for value in (order_id, line_no, line.upc, line.quantity)
            ],
        )
    return OrderRow(id=order_id, buyer_id=str(order.buyer_id), placed_at=placed_at)


def make_loaders(db: Database) -> Loaders:
    def order_row(row: Sequence[object]) -> OrderRow:
        id_, buyer_id, placed_at = row
        assert isinstance(id_, int)
        return OrderRow(id=id_, buyer_id=str(buyer_id), placed_at=str(placed_at))

    def fetch_orders(ids: Sequence[int]) -> dict[int, OrderRow]:
        rows = db.query(
            f"SELECT id, buyer_id, placed_at FROM orders WHERE id IN ({placeholders(len(ids))})",
            ids,
        )
        return {row["id"]: order_row(row) for row in rows}

    def fetch_orders_by_buyer(buyer_ids: Sequence[str]) -> list[tuple[str, OrderRow]]:
        rows = db.query(
            "SELECT id, buyer_id, placed_at FROM orders"
            f" WHERE buyer_id IN ({placeholders(len(buyer_ids))}) ORDER BY placed_at DESC, id DESC",
            buyer_ids,
        )
        return [(row["buyer_id"], order_row(row)) for row in rows]

    def fetch_lines(order_ids: Sequence[int]) -> list[tuple[int, LineRow]]:
        rows = db.query(
            "SELECT order_id, upc, quantity FROM order_lines"
            f" WHERE order_id IN ({placeholders(len(order_ids))}) ORDER BY order_id, line_no",
            order_ids,
        )
        return [
            (row["order_id"], LineRow(row["order_id"], row["upc"], row["quantity"])) for row in rows
        ]

    def fetch_available(upcs: Sequence[str]) -> dict[str, int]:
        rows = db.query(
            f"SELECT upc, available FROM allocations WHERE upc IN ({placeholders(len(upcs))})",
            upcs,
        )
        return {row["upc"]: row["available"] for row in rows}

    return Loaders(
        orders=keyed_loader(fetch_orders),
        orders_by_buyer=grouped_loader(fetch_orders_by_buyer),
        lines_by_order=grouped_loader(fetch_lines),
        available=keyed_loader(fetch_available),
    )


@strawberry.type
class Query(FederationQuery):
    @strawberry.field(description="An order by id.")
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        order_id = _order_id(id)
        if order_id is None:
            return None
        row = await info.context.loaders.orders.load(order_id)
        return Order.from_row(row) if row is not None else None


@strawberry.type
class Mutation:
    @federation.mutation(
        description=(
            "Place an order: checks every line against the sales allocation"
            " (Product.unitsAvailable), then records the order and decrements the allocation,"
            " all in one transaction. Errors carry extensions.code BAD_USER_INPUT,"
            " UNKNOWN_PRODUCT or INSUFFICIENT_STOCK. Needs the orders:write scope."
        ),
        requires_scopes=[["orders:write"]],
    )
    async def place_order(self, info: Info, input: PlaceOrderInput) -> Order:
        row = place_order(info.context.db, input)
        ORDER_FEED.publish(row)
        await publish_order(str(row.id))  # to NATS for `fedgate dev`'s liveOrders, if set
        return Order.from_row(row)


class OrderFeed:
    """Orders placed in this process, to every open ``orderPlaced`` subscription: one
    bounded queue per subscriber (a subscriber that falls 100 orders behind misses the
    oldest, it never holds up ``placeOrder``)."""

    def __init__(self) -> None:
        self.subscribers: set[asyncio.Queue[OrderRow]] = set()

    def publish(self, row: OrderRow) -> None:
        for queue in self.subscribers:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(row)

    async def rows(self) -> AsyncGenerator[OrderRow, None]:
        queue: asyncio.Queue[OrderRow] = asyncio.Queue(maxsize=100)
        self.subscribers.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self.subscribers.discard(queue)


ORDER_FEED = OrderFeed()


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "Every order placed from now on (placeOrder), as it is placed. Through the gateway"
            " each event also gets its buyer, products and shipping estimates from the other"
            " services."
        )
    )
    async def order_placed(self) -> AsyncGenerator[Order, None]:
        async for row in ORDER_FEED.rows():
            yield Order.from_row(row)


schema = SubgraphSchema(query=Query, mutation=Mutation, subscription=Subscription)

SERVICE = ServiceDefinition(
    name="orders", schema=schema, ddl=data.DDL, seed=data.seed, make_loaders=make_loaders
)
