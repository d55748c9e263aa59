"""products' schema: ``Product`` entity, ``Category``, and a ``search`` union."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

import strawberry
from aiodataloader import DataLoader
from strawberry import federation
from strawberry.federation.schema_directives import Cost, ListSize

from subgraphs.common.db import Database, placeholders
from subgraphs.common.loaders import grouped_loader, keyed_loader
from subgraphs.common.schema import SubgraphSchema
from subgraphs.common.sdl import FederationQuery
from subgraphs.common.service import RequestContext, ServiceDefinition

from . import data


@dataclass
class Loaders:
    """This request's loaders (see make_loaders)."""

    products: "DataLoader[str, Product | None]"
    categories: "DataLoader[str, Category | None]"
    products_by_category: "DataLoader[str, list[Product]]"


Info = strawberry.Info[RequestContext[Loaders], None]


@federation.type(keys=["upc"], description="A catalog item.")
class Product:
    upc: str = strawberry.field(description="Universal product code: the product's key.")
    name: str
    price: int = strawberry.field(description="Price in cents.")
    weight: int = strawberry.field(description="Shipping weight in grams.")
    category_id: strawberry.Private[str]

    @strawberry.field
    async def category(self, info: Info) -> "Category":
        category = await info.context.loaders.categories.load(self.category_id)
        if category is None:  # the foreign key makes this impossible
            raise LookupError(f"product {self.upc} has no category {self.category_id!r}")
        return category

    @classmethod
    async def resolve_reference(cls, info: Info, upc: str) -> "Product | None":
        return await info.context.loaders.products.load(upc)


@strawberry.type(description="A group of products in the catalog.")
class Category:
    id: strawberry.ID
    name: str

    @strawberry.field(
        directives=[ListSize(assumed_size=20, slicing_arguments=None, sized_fields=None)]
    )
    async def products(self, info: Info) -> list[Product]:
        return await info.context.loaders.products_by_category.load(str(self.id))


SearchResult = Annotated[
    Product | Category,
    strawberry.union("SearchResult", description="A catalog search hit."),
]

_PRODUCT_COLUMNS = "upc, name, price, weight, category_id"


def _product(row: Sequence[object]) -> Product:
    upc, name, price, weight, category_id = row
    assert isinstance(upc, str) and isinstance(name, str) and isinstance(category_id, str)
    assert isinstance(price, int) and isinstance(weight, int)
    return Product(upc=upc, name=name, price=price, weight=weight, category_id=category_id)


def make_loaders(db: Database) -> Loaders:
    def fetch_products(upcs: Sequence[str]) -> dict[str, Product]:
        rows = db.query(
            f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE upc IN ({placeholders(len(upcs))})",
            upcs,
        )
        return {row["upc"]: _product(row) for row in rows}

    def fetch_categories(ids: Sequence[str]) -> dict[str, Category]:
        rows = db.query(
            f"SELECT id, name FROM categories WHERE id IN ({placeholders(len(ids))})", ids
        )
        return {row["id"]: Category(id=strawberry.ID(row["id"]), name=row["name"]) for row in rows}

    def fetch_products_by_category(ids: Sequence[str]) -> list[tuple[str, Product]]:
        rows = db.query(
            f"SELECT {_PRODUCT_COLUMNS} FROM products"
            f" WHERE category_id IN ({placeholders(len(ids))}) ORDER BY CAST(upc AS INTEGER)",
            ids,
        )
        return [(row["category_id"], _product(row)) for row in rows]

    return Loaders(
        products=keyed_loader(fetch_products),
        categories=keyed_loader(fetch_categories),
        products_by_category=grouped_loader(fetch_products_by_category),
    )


@strawberry.type
class Query(FederationQuery):
    @strawberry.field(
        description="The first products of the catalog, by upc.",
        directives=[ListSize(assumed_size=None, slicing_arguments=["first"], sized_fields=None)],
    )
    def top_products(self, info: Info, first: int = 5) -> list[Product]:
        rows = info.context.db.query(
            f"SELECT {_PRODUCT_COLUMNS} FROM products ORDER BY CAST(upc AS INTEGER) LIMIT ?",
            (max(first, 0),),
        )
        return [_product(row) for row in rows]

    @strawberry.field(description="A product by upc.")
    async def product(self, info: Info, upc: str) -> Product | None:
        return await info.context.loaders.products.load(upc)

    @strawberry.field(
        description="All categories, by name.",
        directives=[ListSize(assumed_size=10, slicing_arguments=None, sized_fields=None)],
    )
    def categories(self, info: Info) -> list[Category]:
        rows = info.context.db.query("SELECT id, name FROM categories ORDER BY name")
        return [Category(id=strawberry.ID(row["id"]), name=row["name"]) for row in rows]

    @strawberry.field(
        description="Products and categories whose name contains the text (case-insensitive).",
        # a LIKE scan of two tables: dearer than a lookup by key (demand control)
        directives=[
            Cost(weight=5),
            ListSize(assumed_size=20, slicing_arguments=None, sized_fields=None),
        ],
    )
    def search(self, info: Info, text: str) -> list[SearchResult]:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        db = info.context.db
        categories: list[SearchResult] = [
            Category(id=strawberry.ID(row["id"]), name=row["name"])
            for row in db.query(
                "SELECT id, name FROM categories WHERE name LIKE ? ESCAPE '\\' ORDER BY name",
                (pattern,),
            )
        ]
        products: list[SearchResult] = [
            _product(row)
            for row in db.query(
                f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE name LIKE ? ESCAPE '\\'"
                " ORDER BY CAST(upc AS INTEGER)",
                (pattern,),
            )
        ]
        return categories + products


schema = SubgraphSchema(query=Query)

SERVICE = ServiceDefinition(
    name="products", schema=schema, ddl=data.DDL, seed=data.seed, make_loaders=make_loaders
)
