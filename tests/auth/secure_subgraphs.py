"""Two strawberry subgraphs whose schema uses every authorization directive on every kind of
element: ``users`` (``me`` @authenticated; ``User.email`` needs a scope; ``User.salary`` a
policy; the ``Role`` enum a scope; the ``Secret`` scalar authentication; ``Document``, an
@authenticated implementation of ``Node``) and ``orders`` (the @authenticated ``Order`` type,
reached through an entity jump from ``User``; ``User.emailDomain`` @requires the scoped
``email``; the supergraph the tests serve does not declare the scope on it, as one from a
composer without Apollo's MISSING_TRANSITIVE_AUTH_REQUIREMENTS rule would not, so only the
gateway's transitive rule guards it: see ``harness.secure_subgraphs``).

Each app records the queries it receives (``CountingApp.queries``), so a test can tell that
no subgraph was asked for a removed field."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from enum import Enum
from typing import Any, NewType

import orjson
import strawberry
from strawberry.asgi import GraphQL

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGI = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]

NAMES = {"1": "Ada", "2": "Brian"}
EMAILS = {"1": "ada@example.com", "2": "brian@example.org"}


@strawberry.federation.enum(requires_scopes=[["read:roles"]])
class Role(Enum):
    ADMIN = "ADMIN"
    MEMBER = "MEMBER"


Secret = strawberry.federation.scalar(NewType("Secret", str), name="Secret", authenticated=True)


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class User(Node):
    name: str
    email: str | None = strawberry.federation.field(requires_scopes=[["read:email"]])
    salary: int | None = strawberry.federation.field(policy=[["hr"], ["payroll", "admin"]])
    role: Role | None = None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return _user(str(id))


@strawberry.federation.type(authenticated=True)
class Document(Node):
    title: str


def _user(id: str) -> User:
    return User(
        id=strawberry.ID(id),
        name=NAMES[id],
        email=EMAILS[id],
        salary=1000 * int(id),
        role=Role.ADMIN if id == "1" else Role.MEMBER,
    )


@strawberry.type
class UsersQuery:
    @strawberry.federation.field(authenticated=True)
    def me(self) -> User | None:
        return _user("1")

    @strawberry.field
    def user(self, id: strawberry.ID) -> User | None:
        return _user(str(id)) if str(id) in NAMES else None

    @strawberry.field
    def users(self) -> list[User]:
        return [_user(i) for i in NAMES]

    @strawberry.field
    def node(self, id: strawberry.ID) -> Node | None:
        if str(id) in NAMES:
            return _user(str(id))
        return Document(id=id, title=f"doc {id}")

    @strawberry.field
    def secret(self) -> Secret:  # type: ignore[valid-type]
        return Secret("s3cr3t")

    @strawberry.field
    def motd(self) -> str:
        return "hello"

    @strawberry.field
    async def slow(self) -> str:
        """Answers after 0.3 s: keeps requests in flight together."""
        await asyncio.sleep(0.3)
        return "done"


@strawberry.federation.type(keys=["id"], authenticated=True)
class Order:
    id: strawberry.ID
    total: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Order:
        return Order(id=id, total=10 * int(str(id)))


@strawberry.federation.type(keys=["id"], name="User")
class OrderUser:
    id: strawberry.ID
    email: str | None = strawberry.federation.field(external=True)

    # declared so that composition accepts it (MISSING_TRANSITIVE_AUTH_REQUIREMENTS); the
    # harness removes it from the supergraph, leaving only the gateway's transitive rule
    @strawberry.federation.field(requires=["email"], requires_scopes=[["read:email"]])
    def email_domain(self) -> str | None:
        return self.email.split("@")[1] if self.email else None

    @strawberry.field
    def orders(self) -> list[Order]:
        return [Order(id=strawberry.ID(self.id), total=10 * int(str(self.id)))]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, email: str | None = None) -> OrderUser:
        return OrderUser(id=id, email=email)


@strawberry.type
class OrdersQuery:
    @strawberry.field
    def order_count(self) -> int:
        return 2


@strawberry.type(name="Mutation")
class OrdersMutation:
    @strawberry.federation.field(requires_scopes=[["orders:write"]])
    def place_order(self, total: int) -> Order:
        return Order(id=strawberry.ID("9"), total=total)


users_schema = strawberry.federation.Schema(query=UsersQuery, types=[User, Document])
orders_schema = strawberry.federation.Schema(
    query=OrdersQuery, mutation=OrdersMutation, types=[OrderUser, Order]
)


class CountingApp:
    """The subgraph's ASGI app, recording the ``query`` of each POST it answers."""

    def __init__(self, app: ASGI) -> None:
        self.app = app
        self.queries: list[str] = []

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        if body:
            self.queries.append(str(orjson.loads(body).get("query", "")))
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def apps() -> dict[str, CountingApp]:
    return {
        "users": CountingApp(GraphQL(users_schema)),
        "orders": CountingApp(GraphQL(orders_schema)),
    }
