"""Per-request DataLoaders over one-statement batch queries.

Every entity resolver (``resolve_reference``) and every list field that fans out per
parent goes through a loader created fresh for each request (in the context getter), so
that all keys requested in one tick of the event loop are fetched with one
``SELECT ... WHERE key IN (...)``: an ``_entities`` call with N representations costs
one statement, not N. Caching lives only as long as the request, so a mutation's effect
is visible to the next request.
"""

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from aiodataloader import DataLoader

K = TypeVar("K")
V = TypeVar("V")

MAX_BATCH_SIZE = 500
"""Keys per statement: well under SQLite's bound-parameter limit (32766)."""


def keyed_loader(fetch: Callable[[Sequence[K]], Mapping[K, V]]) -> DataLoader[K, V | None]:
    """A loader for at most one value per key; ``fetch`` runs one query for all keys.

    Keys that ``fetch`` does not return resolve to ``None`` (an unknown entity).
    """

    async def batch(keys: list[K]) -> list[V | None]:
        found = fetch(keys)
        return [found.get(key) for key in keys]

    return DataLoader(batch, max_batch_size=MAX_BATCH_SIZE, loop=asyncio.get_running_loop())


def grouped_loader(fetch: Callable[[Sequence[K]], Iterable[tuple[K, V]]]) -> DataLoader[K, list[V]]:
    """A loader for a list of values per key (one-to-many), e.g. a user's reviews.

    ``fetch`` returns ``(key, value)`` pairs from one query, in the order the lists
    should have; keys without rows get an empty list.
    """

    async def batch(keys: list[K]) -> list[list[V]]:
        groups: dict[K, list[V]] = {key: [] for key in keys}
        for key, value in fetch(keys):
            groups[key].append(value)
        return [groups[key] for key in keys]

    return DataLoader(batch, max_batch_size=MAX_BATCH_SIZE, loop=asyncio.get_running_loop())
