"""The cache in the fetch path: a ``SubgraphCall`` wrapper (the executor's seam for one
subgraph call, as telemetry's and demand control's), built only when the entity cache is
configured.

An entity fetch (alone, batched or with @fromContext groups) looks every representation up;
only the misses go to the subgraph (each ``_entities`` list shrunk to them, or no call when
all hit) and the answers are put back in order, with the errors' ``_entities`` indexes
mapped back. A query's root fetch is one entry. Misses the subgraph answered without an
error are stored for the TTL its ``Cache-Control`` allows. Every part of the answer is added
to the request's ``ResponsePolicy`` (the client's ``Cache-Control``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import orjson

from gateway.context import RequestContext, ScratchKey
from gateway.execution.subgraph_call import CallResult
from gateway.transport.base import SubgraphClient, SubgraphRequest, SubgraphResponse

from .analysis import EntityPart, FetchShape, digest
from .cache_control import Policy, ResponsePolicy, policy_of
from .entry import Entry
from .tags import entity_tags, root_tags

if TYPE_CHECKING:
    from gateway.execution.executor import SubgraphCall

    from .runtime import EntityCache, SubgraphSettings

__all__ = ["POLICY", "CachingCall", "client_cache_control"]

POLICY: ScratchKey[ResponsePolicy] = ScratchKey("entity cache: response Cache-Control")
_NONE = "-"


class _Capture:
    """The subgraph client, remembering the response's headers (``CallResult`` has none)."""

    __slots__ = ("headers", "inner")

    def __init__(self, inner: SubgraphClient) -> None:
        self.inner = inner
        self.headers: Mapping[str, str] = {}

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        response = await self.inner.fetch(request)
        self.headers = response.headers
        return response

    def policy(self) -> Policy:
        return policy_of(self.headers.get("cache-control"), self.headers.get("age"))


class CachingCall:
    __slots__ = ("cache", "inner")

    def __init__(self, inner: SubgraphCall, cache: EntityCache) -> None:
        self.inner = inner
        self.cache = cache

    async def __call__(
        self, client: SubgraphClient, request: SubgraphRequest, counts: Mapping[str, int] | None
    ) -> CallResult:
        settings = self.cache.settings(request.subgraph)
        body = request.body
        shape = self.cache.shapes.of(body["query"]) if isinstance(body, Mapping) else None
        if settings is None or shape is None or not shape.query:
            return await self._uncached(client, request, counts)
        assert isinstance(body, Mapping)
        cache = self.cache
        private_id = cache.private_id(settings, request.context)
        fetches = cache.store.fetches
        if fetches is None:
            whole = _Whole()
            if counts is None:
                return await self._root(client, request, body, shape, settings, private_id, whole)
            return await self._entities(client, request, body, shape, settings, private_id, whole)
        memo = (request.subgraph, body["query"], orjson.dumps(body.get("variables")), private_id)
        now = time.time()
        found = fetches.get(memo, now)
        if found is not None:
            cache.hits += sum(counts.values()) if counts is not None else 1
            policy = _policy(request.context)
            if policy is not None:
                policy.add(found[0] - now, found[1])
            return CallResult(orjson.loads(found[2]), [])
        whole = _Whole()
        if counts is None:
            result = await self._root(client, request, body, shape, settings, private_id, whole)
        else:
            result = await self._entities(client, request, body, shape, settings, private_id, whole)
        if whole.complete and result.data is not None:
            expires = whole.expires
            if cache.store.memory is not None and cache.store.memory.max_ttl is not None:
                expires = min(expires, now + cache.store.memory.max_ttl)
            fetches.put(memo, expires, whole.private, orjson.dumps(result.data))
        return result

    async def _uncached(
        self, client: SubgraphClient, request: SubgraphRequest, counts: Mapping[str, int] | None
    ) -> CallResult:
        policy = _policy(request.context)
        if policy is None:
            return await self.inner(client, request, counts)
        capture = _Capture(client)
        result = await self.inner(capture, request, counts)
        part = capture.policy()
        if part.no_store or part.ttl is None or result.failure is not None:
            policy.forbid()  # not ours to keep, and nothing says how long anyone may
        else:
            policy.add(part.ttl, part.private)
        return result

    # ---- root fetches --------------------------------------------------------------------

    async def _root(
        self,
        client: SubgraphClient,
        request: SubgraphRequest,
        body: Mapping[str, Any],
        shape: FetchShape,
        settings: SubgraphSettings,
        private_id: str | None,
        whole: _Whole,
    ) -> CallResult:
        cache = self.cache
        variables = body.get("variables") or {}
        selection = shape.root_selection
        private = private_id is not None and cache.seen_private(request.subgraph, selection)
        where = _values(variables, shape.root_variables)
        key = cache.root_key(request.subgraph, selection, where, private_id if private else None)
        policy = _policy(request.context)
        [found] = await cache.store.get_many([key])
        if found is not None:
            cache.hits += 1
            whole.part(found.expires, found.private)
            if policy is not None:
                policy.add(found.expires - time.time(), found.private)
            return CallResult(orjson.loads(found.data), [])
        cache.misses += 1
        capture = _Capture(client)
        result = await self.inner(capture, request, None)
        part = capture.policy()
        ttl = self._storable(part, result, private_id, settings)
        if ttl is None or not result.data:
            whole.complete = False
            _forbid_or_add(policy, part, settings, result)
            return result
        if part.private and not private:
            cache.mark_private(request.subgraph, selection)
            key = cache.root_key(request.subgraph, selection, where, private_id)
        formats = cache.facts_root_tags(request.subgraph)
        tags = root_tags(formats, shape.root_fields, variables) if formats else ()
        entry = Entry(orjson.dumps(result.data), time.time() + ttl, part.private, tags)
        await cache.store.put_many([(key, entry)], ttl)
        whole.part(entry.expires, entry.private)
        if policy is not None:
            policy.add(ttl, part.private)
        return result

    @staticmethod
    def _storable(
        part: Policy, result: CallResult, private_id: str | None, settings: SubgraphSettings
    ) -> float | None:
        """The TTL to keep this answer for; None when it is not kept."""
        if part.no_store or result.failure is not None or result.errors:
            return None
        if part.private and private_id is None:
            return None  # private data without a user to keep it for (Apollo Router too)
        return part.ttl if part.ttl is not None else settings.ttl

    # ---- entity fetches ------------------------------------------------------------------

    async def _entities(
        self,
        client: SubgraphClient,
        request: SubgraphRequest,
        body: Mapping[str, Any],
        shape: FetchShape,
        settings: SubgraphSettings,
        private_id: str | None,
        whole: _Whole,
    ) -> CallResult:
        cache = self.cache
        subgraph = request.subgraph
        variables: Mapping[str, Any] = body.get("variables") or {}
        lookups = [_Lookup(cache, subgraph, part, variables, private_id) for part in shape.entities]
        keys = [k for lookup in lookups for k in lookup.keys]
        found = await cache.store.get_many(keys)
        start = 0
        for lookup in lookups:
            lookup.found = found[start : start + len(lookup.keys)]
            start += len(lookup.keys)
            lookup.misses = [i for i, e in enumerate(lookup.found) if e is None]
        missed = sum(len(lookup.misses) for lookup in lookups)
        cache.misses += missed
        cache.hits += len(keys) - missed
        policy = _policy(request.context)
        for lookup in lookups:
            for entry in lookup.found:
                if entry is not None:
                    whole.part(entry.expires, entry.private)
        if not missed:
            return CallResult({lk.part.alias: lk.hits(policy) for lk in lookups}, [])
        shrunk = dict(variables)
        for lookup in lookups:
            shrunk[lookup.part.variable] = [lookup.reps[i] for i in lookup.misses]
        counts = {lk.part.alias: len(lk.misses) for lk in lookups}
        capture = _Capture(client)
        sent = replace(request, body={**body, "variables": shrunk})
        result = await self.inner(capture, sent, counts)
        part = capture.policy()
        errors, errored = _remap(result.errors, lookups)
        data = dict(result.data) if result.data else {}
        for lookup in lookups:
            data[lookup.part.alias] = lookup.merge(data.get(lookup.part.alias), policy)
        without_errors = CallResult(result.data, [], result.failure)
        ttl = self._storable(part, without_errors, private_id, settings)
        if ttl is None or errored is None:
            whole.complete = False
            _forbid_or_add(policy, part, settings, result)
        else:
            stored = await self._store(lookups, data, errored, part, ttl, private_id, subgraph)
            if stored < missed:
                whole.complete = False  # an entity was not kept: the whole answer neither
            whole.part(time.time() + ttl, part.private)
            if policy is not None:
                policy.add(ttl, part.private)
        return CallResult(data or None, errors, result.failure)

    async def _store(
        self,
        lookups: Sequence[_Lookup],
        data: Mapping[str, Any],
        errored: set[tuple[str, int]],
        part: Policy,
        ttl: float,
        private_id: str | None,
        subgraph: str,
    ) -> int:
        """Store the misses' answers; how many were stored."""
        cache = self.cache
        expires = time.time() + ttl
        items: list[tuple[str, Entry]] = []
        for lookup in lookups:
            if part.private and not lookup.private:
                cache.mark_private(subgraph, lookup.part.selection)
                lookup.rekey(private_id)
            entities = data.get(lookup.part.alias)
            for i in lookup.misses:
                entity = entities[i] if isinstance(entities, list) else None
                if not isinstance(entity, dict) or (lookup.part.alias, i) in errored:
                    continue
                tags = lookup.tags(i)
                items.append(
                    (lookup.keys[i], Entry(orjson.dumps(entity), expires, part.private, tags))
                )
        await cache.store.put_many(items, ttl)
        return len(items)


class _Whole:
    """Whether a fetch's whole answer can be memoised (``FetchMemo``): every part of it was
    a hit or was stored; until when, and whether privately."""

    __slots__ = ("complete", "expires", "private")

    def __init__(self) -> None:
        self.complete = True
        self.expires = float("inf")
        self.private = False

    def part(self, expires: float, private: bool) -> None:
        self.expires = min(self.expires, expires)
        self.private = self.private or private


class _Lookup:
    """One ``_entities`` selection's representations, keys and what was found."""

    __slots__ = ("cache", "found", "keys", "misses", "part", "private", "reps", "subgraph", "where")

    def __init__(
        self,
        cache: EntityCache,
        subgraph: str,
        part: EntityPart,
        variables: Mapping[str, Any],
        private_id: str | None,
    ) -> None:
        self.cache = cache
        self.subgraph = subgraph
        self.part = part
        reps = variables.get(part.variable)
        self.reps: list[Any] = reps if isinstance(reps, list) else []
        self.where = _values(variables, part.variables)
        self.private = private_id is not None and cache.seen_private(subgraph, part.selection)
        self.keys = self._keys(private_id if self.private else None)
        self.found: list[Entry | None] = []
        self.misses: list[int] = []

    def _keys(self, private_id: str | None) -> list[str]:
        cache, part, subgraph = self.cache, self.part, self.subgraph
        memo = cache.key_memo
        keys: list[str] = []
        for rep in self.reps:
            # the usual flat representation: its key string made once (hashing and digests
            # per lookup were most of a warm cache's cost)
            try:
                known = (subgraph, part.selection, self.where, private_id, *rep.items())
                key = memo.get(known)
            except (TypeError, AttributeError):
                known, key = None, None
            if key is None:
                key = cache.entity_key(subgraph, rep, part.selection, self.where, private_id)
                if known is not None:
                    cache.remember_key(known, key)
            keys.append(key)
        return keys

    def rekey(self, private_id: str | None) -> None:
        self.private = True
        self.keys = self._keys(private_id)

    def hits(self, policy: ResponsePolicy | None) -> list[Any]:
        now = time.time()
        out: list[Any] = []
        for entry in self.found:
            assert entry is not None
            if policy is not None:
                policy.add(entry.expires - now, entry.private)
            out.append(orjson.loads(entry.data))
        return out

    def merge(self, answered: Any, policy: ResponsePolicy | None) -> list[Any]:
        """The full list in the representations' order: hits, and the subgraph's answers
        where it missed (None where it gave none)."""
        now = time.time()
        out: list[Any] = []
        for entry in self.found:
            if entry is None:
                out.append(None)
                continue
            if policy is not None:
                policy.add(entry.expires - now, entry.private)
            out.append(orjson.loads(entry.data))
        if isinstance(answered, list) and len(answered) == len(self.misses):
            for i, entity in zip(self.misses, answered, strict=True):
                out[i] = entity
        return out

    def tags(self, i: int) -> tuple[str, ...]:
        rep = self.reps[i]
        formats = self.cache.facts_entity_tags(self.subgraph, rep.get("__typename"))
        if not formats:
            return ()
        return entity_tags(formats, self.cache.facts.entity_key(self.subgraph, rep))


def _remap(
    errors: list[Any], lookups: Sequence[_Lookup]
) -> tuple[list[Any], set[tuple[str, int]] | None]:
    """The errors with ``[alias, j, ...]`` paths pointing at the full lists' indexes, and
    which (alias, index) they hit; None when an error names no entity (store nothing)."""
    by_alias = {lookup.part.alias: lookup for lookup in lookups}
    out: list[Any] = []
    errored: set[tuple[str, int]] | None = set()
    for raw in errors:
        path = raw.get("path") if isinstance(raw, dict) else None
        at = _entity_at(path, by_alias)
        if at is None:
            errored = None
            out.append(raw)
            continue
        lookup, j = at
        index = lookup.misses[j]
        if errored is not None:
            errored.add((lookup.part.alias, index))
        out.append({**raw, "path": [lookup.part.alias, index, *path[2:]]})  # type: ignore[index]
    return out, errored


def _entity_at(path: Any, by_alias: Mapping[str, _Lookup]) -> tuple[_Lookup, int] | None:
    """(the lookup, the miss index) an error's ``[alias, j, ...]`` path points at."""
    if not isinstance(path, list) or len(path) < 2 or not isinstance(path[1], int):
        return None
    lookup = by_alias.get(path[0]) if isinstance(path[0], str) else None
    if lookup is None or not 0 <= path[1] < len(lookup.misses):
        return None
    return lookup, path[1]


def _forbid_or_add(
    policy: ResponsePolicy | None, part: Policy, settings: SubgraphSettings, result: CallResult
) -> None:
    """A part that was not stored: no-store when it said so or failed, else its own TTL."""
    if policy is None:
        return
    if part.no_store or result.failure is not None or result.errors:
        policy.forbid()
    else:
        policy.add(part.ttl if part.ttl is not None else settings.ttl, part.private)


def _values(variables: Mapping[str, Any], names: Sequence[str]) -> str:
    if not names:
        return _NONE
    return digest(orjson.dumps([variables.get(n) for n in names], option=orjson.OPT_SORT_KEYS))


def _policy(context: RequestContext | None) -> ResponsePolicy | None:
    if context is None:
        return None
    policy = context.scratch.get(POLICY)
    if policy is None:
        policy = ResponsePolicy()
        context.scratch.set(POLICY, policy)
    return policy


def client_cache_control(context: RequestContext) -> str | None:
    """The client response's ``Cache-Control`` from its parts; None when no subgraph part."""
    policy = context.scratch.get(POLICY)
    return policy.header() if policy is not None else None
