"""reviews' schema: ``Review`` entity; ``Review.author`` ``@provides`` the username."""

from collections.abc import Sequence
from dataclasses import dataclass

import strawberry
from aiodataloader import DataLoader
from graphql import GraphQLError
from strawberry import federation
from strawberry.federation.schema_directives import ListSize

from subgraphs.common.db import Database, placeholders
from subgraphs.common.loaders import grouped_loader, keyed_loader
from subgraphs.common.schema import SubgraphSchema
from subgraphs.common.sdl import FederationQuery
from subgraphs.common.service import RequestContext, ServiceDefinition

from . import data


@dataclass(frozen=True)
class ReviewRow:
    id: str
    product_upc: str
    author_id: str
    author_username: str
    rating: int
    body: str
    written_on: str


_REVIEW_COLUMNS = "id, product_upc, author_id, author_username, rating, body, written_on"


def _row(row: Sequence[object]) -> ReviewRow:
    id_, upc, author_id, username, rating, body, written_on = row
    assert isinstance(rating, int)
    return ReviewRow(
        id=str(id_),
        product_upc=str(upc),
        author_id=str(author_id),
        author_username=str(username),
        rating=rating,
        body=str(body),
        written_on=str(written_on),
    )


@dataclass
class Loaders:
    """This request's loaders (see make_loaders)."""

    reviews: DataLoader[str, ReviewRow | None]
    reviews_by_product: DataLoader[str, list[ReviewRow]]
    reviews_by_author: DataLoader[str, list[ReviewRow]]


Info = strawberry.Info[RequestContext[Loaders], None]


@federation.type(keys=["id"])
class User:
    """accounts owns users; reviews adds their reviews."""

    id: strawberry.ID
    provided_username: strawberry.Private[str | None] = None

    @federation.field(
        external=True,
        description="Known here only for review authors: Review.author provides it.",
    )
    def username(self) -> str:
        if self.provided_username is None:
            raise GraphQLError(
                "reviews knows User.username only on Review.author (@provides); ask accounts",
                extensions={"code": "EXTERNAL_FIELD_NOT_PROVIDED"},
            )
        return self.provided_username

    @strawberry.field(
        description="Reviews this user wrote, oldest first.",
        directives=[ListSize(assumed_size=10, slicing_arguments=None, sized_fields=None)],
    )
    async def reviews(self, info: Info) -> list["Review"]:
        rows = await info.context.loaders.reviews_by_author.load(str(self.id))
        return [Review.from_row(row) for row in rows]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "User":
        # Nothing to look up: the reviews are loaded (batched) when asked for.
        return cls(id=id)


@federation.type(keys=["upc"])
class Product:
    """products owns products; reviews adds their reviews and rating."""

    upc: str

    @strawberry.field(
        description="Reviews of this product, oldest first.",
        directives=[ListSize(assumed_size=10, slicing_arguments=None, sized_fields=None)],
    )
    async def reviews(self, info: Info) -> list["Review"]:
        rows = await info.context.loaders.reviews_by_product.load(self.upc)
        return [Review.from_row(row) for row in rows]

    @strawberry.field(description="Mean rating (1-5) of the product's reviews; null if none.")
    async def average_rating(self, info: Info) -> float | None:
        rows = await info.context.loaders.reviews_by_product.load(self.upc)
        if not rows:
            return None
        return round(sum(row.rating for row in rows) / len(rows), 2)

    @classmethod
    def resolve_reference(cls, upc: str) -> "Product":
        return cls(upc=upc)


@federation.type(keys=["id"], description="A customer's review of a product.")
class Review:
    id: strawberry.ID
    rating: int = strawberry.field(description="1 (bad) to 5 (great).")
    body: str
    written_on: str = strawberry.field(description="ISO date.")
    author: User = federation.field(provides=["username"])
    product: Product

    @classmethod
    def from_row(cls, row: ReviewRow) -> "Review":
        return cls(
            id=strawberry.ID(row.id),
            rating=row.rating,
            body=row.body,
            written_on=row.written_on,
            author=User(id=strawberry.ID(row.author_id), provided_username=row.author_username),
            product=Product(upc=row.product_upc),
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> "Review | None":
        row = await info.context.loaders.reviews.load(str(id))
        return cls.from_row(row) if row is not None else None


def make_loaders(db: Database) -> Loaders:
    def fetch_reviews(ids: Sequence[str]) -> dict[str, ReviewRow]:
        rows = db.query(
            f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE id IN ({placeholders(len(ids))})", ids
        )
        return {row["id"]: _row(row) for row in rows}

    def fetch_by(column: str, keys: Sequence[str]) -> list[tuple[str, ReviewRow]]:
        rows = db.query(
            f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE {column} IN ({placeholders(len(keys))})"
            " ORDER BY written_on, CAST(id AS INTEGER)",
            keys,
        )
        return [(row[column], _row(row)) for row in rows]

    return Loaders(
        reviews=keyed_loader(fetch_reviews),
        reviews_by_product=grouped_loader(lambda upcs: fetch_by("product_upc", upcs)),
        reviews_by_author=grouped_loader(lambda ids: fetch_by("author_id", ids)),
    )


@strawberry.type
class Query(FederationQuery):
    @strawberry.field(
        description="The most recent reviews, newest first.",
        directives=[ListSize(assumed_size=None, slicing_arguments=["first"], sized_fields=None)],
    )
    def latest_reviews(self, info: Info, first: int = 5) -> list[Review]:
        rows = info.context.db.query(
            f"SELECT {_REVIEW_COLUMNS} FROM reviews"
            " ORDER BY written_on DESC, CAST(id AS INTEGER) DESC LIMIT ?",
            (max(first, 0),),
        )
        return [Review.from_row(_row(row)) for row in rows]

    @strawberry.field(description="A review by id.")
    async def review(self, info: Info, id: strawberry.ID) -> Review | None:
        row = await info.context.loaders.reviews.load(str(id))
        return Review.from_row(row) if row is not None else None


schema = SubgraphSchema(query=Query)

SERVICE = ServiceDefinition(
    name="reviews", schema=schema, ddl=data.DDL, seed=data.seed, make_loaders=make_loaders
)
