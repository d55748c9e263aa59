"""Two strawberry federation subgraphs as strawberry users write them: the default
``strawberry.federation.Schema`` (no ``federation_version``), which links the federation
version strawberry defaults to (v2.11 with strawberry 0.341).

``books`` owns ``Book``; ``shelves`` owns ``Shelf`` and adds ``Book.shelf``. Served in-process
by the composition tests and by uvicorn in the end-to-end test
(``uvicorn tests.e2e.strawberry_subgraphs:books_app``)."""

from __future__ import annotations

import strawberry
from strawberry.asgi import GraphQL

TITLES = {"1": "Dune", "2": "Emma", "3": "Ulysses"}
SHELF_OF = {"1": "s1", "2": "s1", "3": "s2"}
SHELF_NAMES = {"s1": "Fiction", "s2": "Classics"}


@strawberry.federation.type(keys=["id"])
class Book:
    id: strawberry.ID
    title: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Book:
        return Book(id=id, title=TITLES[str(id)])


@strawberry.type
class BooksQuery:
    @strawberry.field
    def books(self) -> list[Book]:
        return [Book(id=strawberry.ID(i), title=t) for i, t in TITLES.items()]


@strawberry.federation.type(keys=["id"])
class Shelf:
    id: strawberry.ID
    name: str

    @strawberry.field
    def books(self) -> list[ShelvedBook]:
        return [ShelvedBook(id=strawberry.ID(b)) for b, s in SHELF_OF.items() if s == self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Shelf:
        return Shelf(id=id, name=SHELF_NAMES[str(id)])


@strawberry.federation.type(keys=["id"], name="Book")
class ShelvedBook:
    id: strawberry.ID

    @strawberry.field
    def shelf(self) -> Shelf:
        shelf = SHELF_OF[str(self.id)]
        return Shelf(id=strawberry.ID(shelf), name=SHELF_NAMES[shelf])

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ShelvedBook:
        return ShelvedBook(id=id)


@strawberry.type
class ShelvesQuery:
    @strawberry.field
    def shelves(self) -> list[Shelf]:
        return [Shelf(id=strawberry.ID(s), name=n) for s, n in SHELF_NAMES.items()]


books_schema = strawberry.federation.Schema(query=BooksQuery)
shelves_schema = strawberry.federation.Schema(query=ShelvesQuery)
books_app = GraphQL(books_schema)
shelves_app = GraphQL(shelves_schema)
