"""@defer incremental delivery: the first part as soon as the primary fetches are done, then
one part per deferred block as its fetches finish (the 2022-08-24 format Apollo Router and
Apollo Client use)::

    {"data": {...}, "hasNext": true}
    {"incremental": [{"data": {...}, "path": ["topProducts", 0], "label": "l"}], "hasNext": true}
    ...
    {"incremental": [...], "hasNext": false}

A block runs after the part enclosing it (the primary part, or its enclosing block) and its
part is sent after that part; blocks that are ready together go in one part, in document
order. A deferred fragment on a list item has one ``incremental`` entry per item (its path
holds the index); errors go in the entry whose path holds them. ``@defer(if: $v)`` with ``$v``
false is run and shaped with the enclosing part.

Made once per cached operation (``Incremental``); used only for a query that has @defer and
a client that accepts ``multipart/mixed`` (``defer_support`` on): no cost for any other.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    is_abstract_type,
)

from gateway.context import RequestContext
from gateway.planner.defer_sites import DeferSite, defer_sites
from gateway.planner.plan import DeferredBlock, QueryPlan
from gateway.transport.base import SubgraphClient
from gateway.transport.headers import HeaderRules

from .executor import CompiledPlan, SubgraphCall
from .incremental_shape import fragment_included, fragment_shape, primary_shape
from .merge import deep_merge
from .shape import shape_response
from .shape_compile import SelectionShape
from .typematch import TypeMatcher

__all__ = ["Incremental", "first_part_extras"]

log = logging.getLogger("fedgate.defer")
Body = dict[str, Any]
# shapes kept per operation (one per @skip/@include values and active defers seen)
_MAX_SHAPES = 256
_INTERNAL = {"message": "Internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}


class Incremental:
    """One planned operation's deferred blocks, compiled, with the shapes of its parts."""

    __slots__ = (
        "_fragments",
        "_operation",
        "_shapes",
        "blocks",
        "compiled",
        "primary",
        "schema",
        "sites",
    )

    def __init__(
        self,
        plan: QueryPlan,
        schema: GraphQLSchema,
        urls: Mapping[str, str],
        matcher: TypeMatcher,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> None:
        sites = {s.index: s for s in defer_sites(schema, operation, fragments)}
        self.blocks: dict[int, DeferredBlock] = {b.index: b for b in plan.deferred}
        if not set(self.blocks) <= set(sites):
            raise ValueError("the plan's @defer blocks do not match the operation's")
        self.sites: dict[int, DeferSite] = sites
        self.primary = CompiledPlan(QueryPlan(plan.node), schema, urls, matcher)
        self.compiled = {
            b.index: CompiledPlan(QueryPlan(b.node), schema, urls, matcher)
            for b in plan.deferred
            if b.node is not None
        }
        self.schema = schema
        self._operation = operation
        self._fragments = fragments
        self._shapes: dict[tuple[Any, ...], SelectionShape] = {}

    @staticmethod
    def of(
        plan: QueryPlan,
        schema: GraphQLSchema,
        urls: Mapping[str, str],
        matcher: TypeMatcher,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> Incremental | None:
        """None for a plan without deferred blocks (the usual case)."""
        if not plan.deferred:
            return None
        try:
            return Incremental(plan, schema, urls, matcher, operation, fragments)
        except ValueError:
            # a planner bug: the whole response at once is still right
            log.exception("@defer blocks do not match the operation; answering it whole")
            return None

    def active(self, variables: Mapping[str, Any]) -> frozenset[int]:
        """The blocks deferred in this request (``@defer(if: $v)``: unless ``$v`` is false)."""
        return frozenset(
            i
            for i, b in self.blocks.items()
            if b.condition is None or variables.get(b.condition) is not False
        )

    def enclosing(self, index: int | None, active: frozenset[int]) -> int | None:
        """The nearest active block around ``index`` (None: the primary part)."""
        parent = self.blocks[index].parent if index is not None else None
        while parent is not None and parent not in active:
            parent = self.blocks[parent].parent
        return parent

    def shape(
        self, index: int | None, conditions: Mapping[str, Any], active: frozenset[int]
    ) -> SelectionShape:
        """The primary part's shape (``index`` None) or one deferred fragment's."""
        key = (index, tuple(v is True for v in conditions.values()), active)
        shape = self._shapes.get(key)
        if shape is None:
            nodes = frozenset(id(self.sites[i].node) for i in active)
            if index is None:
                root = self.schema.get_root_type(self._operation.operation)
                assert root is not None
                shape = primary_shape(
                    self.schema,
                    root,
                    self._operation.selection_set,
                    self._fragments,
                    conditions,
                    nodes,
                )
            else:
                site = self.sites[index]
                shape = fragment_shape(
                    self.schema, site.parent_type, site.node, self._fragments, conditions, nodes
                )
            if len(self._shapes) < _MAX_SHAPES:
                self._shapes[key] = shape
        return shape

    async def respond(
        self,
        client: SubgraphClient,
        variables: Mapping[str, Any],
        conditions: Mapping[str, Any],
        context: RequestContext | None,
        headers: HeaderRules,
        call: SubgraphCall,
        extra: tuple[Body, list[dict[str, Any]]] | None = None,
    ) -> tuple[Body, AsyncIterator[Body] | None] | None:
        """(the first part, the later parts) or None when nothing is deferred in this request
        (the caller answers as usual). ``extra``: data and errors the gateway adds to the
        first part (introspection, authorization)."""
        active = self.active(variables)
        if not active:
            return None
        parts = _Parts(self, active, client, variables, conditions, context, headers, call)
        errors = await parts.run(None)
        if extra is not None:
            parts.data.update(extra[0])
            errors[:0] = extra[1]
        notes: list[dict[str, Any]] = []
        shaped = shape_response(self.shape(None, conditions, active), parts.data, errors, notes)
        body: Body = {"data": shaped}
        if errors:
            body["errors"] = errors
        if notes:
            body["extensions"] = {"valueCompletion": notes}
        if shaped is None:
            return body, None  # nothing to defer into: answered whole, without ``hasNext``
        parts.start(None)
        body["hasNext"] = True
        return body, parts.stream(shaped)


def first_part_extras(
    entry: Any, raw_variables: Mapping[str, Any]
) -> tuple[Body, list[dict[str, Any]]] | None:
    """What the gateway adds to a ``Prepared`` entry's first part besides the fetched data:
    introspection's answer, authorization's errors (first, as in a whole response)."""
    authorization = entry.authorization
    if entry.introspection is None and authorization is None:
        return None
    data: Body = {}
    errors: list[dict[str, Any]] = []
    if entry.introspection is not None:
        data, errors = entry.introspection.execute(raw_variables)
    if authorization is not None and authorization.errors:
        errors[:0] = [
            {**e, "path": list(e["path"]), "extensions": dict(e["extensions"])}
            for e in authorization.errors
        ]
    return data, errors


class _Parts:
    """One request's deferred blocks: fetches into one merged tree, parts as they finish."""

    def __init__(
        self,
        incremental: Incremental,
        active: frozenset[int],
        client: SubgraphClient,
        variables: Mapping[str, Any],
        conditions: Mapping[str, Any],
        context: RequestContext | None,
        headers: HeaderRules,
        call: SubgraphCall,
    ) -> None:
        self.inc = incremental
        self.active = active
        self.client = client
        self.variables = variables
        self.conditions = conditions
        self.context = context
        self.headers = headers
        self.call = call
        self.data: Body = {}
        self.tasks: dict[asyncio.Task[list[dict[str, Any]]], int] = {}

    async def run(self, index: int | None) -> list[dict[str, Any]]:
        """A part's fetches (the primary part's, or a block's), then those of the blocks not
        deferred in this request that it encloses; its errors."""
        compiled = self.inc.primary if index is None else self.inc.compiled.get(index)
        errors: list[dict[str, Any]] = []
        if compiled is not None:
            _, errors = await compiled.execute(
                self.client,
                self.variables,
                self.context,
                self.headers,
                initial=self.data,
                call=self.call,
            )
        inline = [
            b.index
            for b in self.inc.blocks.values()
            if b.index not in self.active and b.parent == index
        ]
        for found in await asyncio.gather(*(self.run(i) for i in inline)):
            errors.extend(found)
        return errors

    def start(self, index: int | None) -> None:
        """Start the blocks deferred right inside part ``index``."""
        for i in sorted(self.active):
            if self.inc.enclosing(i, self.active) == index:
                self.tasks[asyncio.create_task(self.run(i))] = i

    async def stream(self, delivered: Body) -> AsyncIterator[Body]:
        """The later parts; ``delivered``: what the client has so far (nested blocks find
        their objects there)."""
        try:
            while self.tasks:
                done, _ = await asyncio.wait(self.tasks, return_when=asyncio.FIRST_COMPLETED)
                entries: list[Body] = []
                for task in sorted(done, key=lambda t: self.tasks[t]):
                    index = self.tasks.pop(task)
                    entries.extend(self.entries(index, _outcome(task), delivered))
                    self.start(index)
                if not entries and self.tasks:
                    continue
                part: Body = {"hasNext": bool(self.tasks)}
                if entries:
                    part["incremental"] = entries
                yield part
        finally:
            for task in self.tasks:
                task.cancel()

    def entries(self, index: int, errors: list[dict[str, Any]], delivered: Body) -> list[Body]:
        """The ``incremental`` entries of block ``index``: one per object it is deferred on."""
        site = self.inc.sites[index]
        block = self.inc.blocks[index]
        schema = self.inc.schema
        if not fragment_included(self.conditions, site.node, schema):
            return []
        shape = self.inc.shape(index, self.conditions, self.active)
        out: list[Body] = []
        unplaced = list(errors)
        for path, shown, raw in _instances(delivered, self.data, site.keys, ()):
            if not _applies(schema, site, raw):
                continue
            mine = [e for e in unplaced if _under(e, path)]
            unplaced = [e for e in unplaced if not _under(e, path)]
            relative = [{**e, "path": e["path"][len(path) :]} for e in mine]
            notes: list[dict[str, Any]] = []
            data = shape_response(shape, raw, relative, notes)
            entry: Body = {"data": data, "path": list(path)}
            if block.label is not None:
                entry["label"] = block.label
            if mine:
                entry["errors"] = mine
            if notes:
                for note in notes:
                    note["path"] = [*path, *note["path"]]
                entry["extensions"] = {"valueCompletion": notes}
            if data:
                deep_merge(shown, data)
            out.append(entry)
        if unplaced:
            if out:
                out[0].setdefault("errors", []).extend(unplaced)
            else:
                out.append({"data": None, "path": list(site.keys), "errors": unplaced})
        return out


def _outcome(task: asyncio.Task[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    try:
        return task.result()
    except Exception:
        # a bug, not a subgraph problem: the part says so, the stream goes on
        log.exception("unexpected error executing a deferred fragment")
        return [dict(_INTERNAL)]


def _instances(
    shown: Any, raw: Any, keys: tuple[str, ...], path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], Body, Body]]:
    """(response path, delivered object, merged data object) of every object at ``keys``
    (list items by index) that the client has."""
    if isinstance(shown, list) and isinstance(raw, list):
        for i, (s, r) in enumerate(zip(shown, raw, strict=False)):
            yield from _instances(s, r, keys, (*path, i))
        return
    if not isinstance(shown, dict) or not isinstance(raw, dict):
        return
    if not keys:
        yield path, shown, raw
        return
    key = keys[0]
    yield from _instances(shown.get(key), raw.get(key), keys[1:], (*path, key))


def _applies(schema: GraphQLSchema, site: DeferSite, raw: Body) -> bool:
    """Does the deferred fragment's type condition hold for this object?"""
    condition = site.type_condition
    if condition is None or condition == site.parent_type.name:
        return True
    typename = raw.get("__typename")
    runtime = schema.get_type(typename) if isinstance(typename, str) else site.parent_type
    if not isinstance(runtime, GraphQLObjectType):
        return False
    if runtime.name == condition:
        return True
    wanted = schema.get_type(condition)
    return wanted is not None and is_abstract_type(wanted) and schema.is_sub_type(wanted, runtime)


def _under(error: dict[str, Any], path: tuple[str | int, ...]) -> bool:
    at = error.get("path")
    return isinstance(at, list) and tuple(at[: len(path)]) == path and len(at) >= len(path)
