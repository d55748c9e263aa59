"""accounts' schema: ``User`` is an entity here; ``username`` is shared with reviews."""

from collections.abc import Sequence
from dataclasses import dataclass

import strawberry
from aiodataloader import DataLoader
from strawberry import federation
from strawberry.federation.schema_directives import ListSize

from subgraphs.common.db import Database, placeholders
from subgraphs.common.loaders import keyed_loader
from subgraphs.common.schema import SubgraphSchema
from subgraphs.common.sdl import FederationQuery
from subgraphs.common.service import RequestContext, ServiceDefinition

from . import data


@dataclass
class Loaders:
    """This request's loaders (see make_loaders)."""

    users: "DataLoader[str, User | None]"


Info = strawberry.Info[RequestContext[Loaders], None]


@federation.type(keys=["id"], description="A customer of the shop.")
class User:
    id: strawberry.ID
    username: str = federation.field(
        shareable=True,
        description="Unique handle. Also resolvable by reviews for review authors (@provides).",
    )
    name: str
    email: str
    joined_on: str = strawberry.field(description="ISO date the account was created.")

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> "User | None":
        return await info.context.loaders.users.load(str(id))


_USER_COLUMNS = "id, username, name, email, joined_on"


def _user(row: Sequence[str]) -> User:
    return User(
        id=strawberry.ID(row[0]), username=row[1], name=row[2], email=row[3], joined_on=row[4]
    )


def make_loaders(db: Database) -> Loaders:
    def fetch_users(ids: Sequence[str]) -> dict[str, User]:
        rows = db.query(
            f"SELECT {_USER_COLUMNS} FROM users WHERE id IN ({placeholders(len(ids))})", ids
        )
        return {row["id"]: _user(row) for row in rows}

    return Loaders(users=keyed_loader(fetch_users))


@strawberry.type
class Query(FederationQuery):
    @strawberry.field(description="A user by id.")
    async def user(self, info: Info, id: strawberry.ID) -> User | None:
        return await info.context.loaders.users.load(str(id))

    @strawberry.field(
        description="All users, by id.",
        directives=[ListSize(assumed_size=50, slicing_arguments=None, sized_fields=None)],
    )
    def users(self, info: Info) -> list[User]:
        rows = info.context.db.query(
            f"SELECT {_USER_COLUMNS} FROM users ORDER BY CAST(id AS INTEGER)"
        )
        return [_user(row) for row in rows]

    @federation.field(
        description=(
            "The signed-in user (@authenticated: the gateway answers it only with a valid"
            " token). The demo's token is user 1's."
        ),
        authenticated=True,
    )
    async def me(self, info: Info) -> User | None:
        return await info.context.loaders.users.load("1")


schema = SubgraphSchema(query=Query)

SERVICE = ServiceDefinition(
    name="accounts", schema=schema, ddl=data.DDL, seed=data.seed, make_loaders=make_loaders
)
