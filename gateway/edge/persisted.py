"""Which query a request runs, from its ``extensions.persistedQuery``: Apollo's automatic
persisted queries (APQ) and persisted queries from manifests, with the safelist.

In order (Apollo Router's): an id found in the manifests runs its listed text; otherwise, with
APQ on, a hash alone runs the text stored under it (``PERSISTED_QUERY_NOT_FOUND`` tells the
client to send it again with the text), a hash with a text stores the text once its sha256 is
checked; a free-form text must be listed when the safelist is on (and is refused outright
with ``require_id``). Built once per generation; with neither feature configured the server
never calls it for a request without ``extensions``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.config.edge_model import ApqConfig, PersistedQueriesConfig

from .manifest import Manifest, load_manifests
from .store import MemoryQueries, QueryStore

__all__ = ["QueryResolver", "Refused"]

log = logging.getLogger("fedgate.persisted_queries")


@dataclass(frozen=True, slots=True)
class Refused:
    """A GraphQL error body; ``ok_status``: answered with HTTP 200 whatever the media type
    (Apollo clients look for ``PERSISTED_QUERY_NOT_FOUND`` in a 200 answer)."""

    body: dict[str, Any]
    ok_status: bool = False


def _refused(message: str, code: str, ok_status: bool = False) -> Refused:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Refused(body, ok_status)


NOT_FOUND = _refused("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", ok_status=True)
NOT_SUPPORTED = _refused("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED", True)
MISMATCH = _refused("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
ID_REQUIRED = _refused(
    "Persisted queries are enabled and the safelist requires an ID", "PERSISTED_QUERY_ID_REQUIRED"
)
NOT_IN_SAFELIST = _refused("Query was not in the safelist", "QUERY_NOT_IN_SAFELIST")


class QueryResolver:
    def __init__(
        self,
        apq: ApqConfig,
        persisted: PersistedQueriesConfig,
        store: QueryStore | None = None,
    ) -> None:
        self.apq = apq
        self.persisted = persisted
        self.store: QueryStore | None = None
        if apq.enabled:
            self.store = store if store is not None else MemoryQueries(apq.limit)
        # read now, so that a broken manifest fails the (re)load, not a request
        self.manifest: Manifest | None = (
            load_manifests(persisted.manifests) if persisted.enabled else None
        )

    @property
    def checks_free_form(self) -> bool:
        """Whether a request without ``extensions`` needs a look (safelist, log_unknown)."""
        return self.manifest is not None and (self.persisted.safelist or self.persisted.log_unknown)

    async def resolve(
        self, query: str | None, extensions: Mapping[str, Any] | None
    ) -> str | Refused:
        persisted = extensions.get("persistedQuery") if extensions else None
        if persisted is None:
            return self._free_form(query)
        if not isinstance(persisted, dict) or not isinstance(persisted.get("sha256Hash"), str):
            return _refused("extensions.persistedQuery needs a sha256Hash string", "BAD_REQUEST")
        key: str = persisted["sha256Hash"]
        if self.manifest is not None:
            listed = self.manifest.by_id.get(key)
            if listed is not None:
                return listed
            if self.store is None:
                message = f"Persisted query '{key}' not found in the persisted query list"
                return _refused(message, "PERSISTED_QUERY_NOT_IN_LIST")
        if self.store is None:
            # APQ off: a hash alone cannot be served; with the text, the text runs
            return self._free_form(query) if query else NOT_SUPPORTED
        if persisted.get("version", 1) != 1:
            return _refused("Unsupported persisted query version", "PERSISTED_QUERY_NOT_SUPPORTED")
        if query is None or query == "":
            stored = await self.store.get(key.lower())
            return stored if stored is not None else NOT_FOUND
        if hashlib.sha256(query.encode()).hexdigest() != key.lower():
            return MISMATCH
        await self.store.set(key.lower(), query)
        return self._free_form(query)

    def _free_form(self, query: str | None) -> str | Refused:
        if query is None:
            return _refused("Missing 'query' in the GraphQL request", "BAD_REQUEST")
        manifest = self.manifest
        if manifest is None:
            return query
        if self.persisted.require_id:
            return ID_REQUIRED
        if self.persisted.safelist or self.persisted.log_unknown:
            if manifest.listed(query):
                return query
            if self.persisted.log_unknown:
                log.warning("persisted queries: unknown operation: %s", " ".join(query.split()))
            if self.persisted.safelist:
                return NOT_IN_SAFELIST
        return query
