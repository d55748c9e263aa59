"""Runs a query plan against subgraphs and merges their data into one response tree.

``CompiledPlan`` is built once per cached operation (representation builders, the paths a
failed root fetch affects); ``execute`` is the per-request part.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from functools import lru_cache
from typing import Any, NamedTuple, assert_never

from graphql import (
    FieldNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from gateway.context import RequestContext
from gateway.planner.plan import (
    BatchFetch,
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    Sequence,
)
from gateway.transport.base import SubgraphClient, SubgraphRequest
from gateway.transport.headers import NO_HEADER_RULES, HeaderRules, SubgraphHeaders

from .context_values import group_by_context, grouped_operation
from .errors import error, subgraph_error
from .merge import deep_merge, leaves_only
from .parallel import branches
from .rep_choice import filler  # compiled build: the compiled loop (rep_walk.py)
from .rep_codegen import Filler
from .representations import (
    RepBuilder,
    ResponsePath,
    apply_output_rewrites,
    collect_objects,
    collect_values,
)
from .subgraph_call import CallResult, call_subgraph
from .typematch import TypeMatcher
from .walked import Known, Walked, forget, written_keys

__all__ = ["CompiledPlan", "ExecutionResult"]

ExecutionResult = tuple[dict[str, Any], list[dict[str, Any]]]
SubgraphCall = Callable[
    [SubgraphClient, SubgraphRequest, Mapping[str, int] | None], Awaitable[CallResult]
]
_Owner = tuple[dict[str, Any], ResponsePath]


class CompiledPlan:
    """A ``QueryPlan`` plus what its execution needs precomputed. Keyed by fetch identity:
    the plan is immutable and kept alive by this object, so ``id`` is stable."""

    __slots__ = (
        "_builders",
        "_fillers",
        "_names",
        "_root_keys",
        "_stale",
        "matcher",
        "plan",
        "urls",
    )

    def __init__(
        self,
        plan: QueryPlan,
        schema: GraphQLSchema,
        urls: Mapping[str, str],
        matcher: TypeMatcher | None = None,
    ) -> None:
        self.plan = plan
        self.urls = urls
        self.matcher = matcher or TypeMatcher(schema)
        self._builders: dict[int, RepBuilder] = {}
        self._root_keys: dict[int, tuple[str, ...]] = {}
        self._names: dict[int, str] = {}  # operationName sent along, for subgraph logs
        # per entity fetch: what its merge may set, whether that changes the walk of a path
        # (walked.py)
        self._stale: dict[int, Known] = {}
        self._fillers: dict[int, Filler] = {}  # representation loops, most generated
        if plan.node is not None:
            self._prepare(plan.node, schema)

    def _prepare(self, node: PlanNode, schema: GraphQLSchema) -> None:
        match node:
            case Fetch(requires=requires):
                operation = _operation(node.operation)
                if operation.name is not None:
                    self._names[id(node)] = operation.name.value
                if requires is None:
                    keys: list[str] = []
                    _keys(operation.selection_set, keys)
                    self._root_keys[id(node)] = tuple(dict.fromkeys(keys))
                else:
                    builder = self._builders[id(node)] = RepBuilder(requires, schema, self.matcher)
                    rewrites = node.input_rewrites
                    self._fillers[id(node)] = filler(builder, rewrites, self.matcher)
                    self._stale[id(node)] = Known(written_keys(node, operation))
            case Flatten(node=inner):
                self._prepare(inner, schema)
            case BatchFetch(entries=entries):
                operation = _operation(node.operation)
                if operation.name is not None:
                    self._names[id(node)] = operation.name.value
                for entry in entries:
                    self._prepare(entry, schema)
            case Sequence(nodes=nodes) | Parallel(nodes=nodes):
                for child in nodes:
                    self._prepare(child, schema)
            case Condition(if_clause=then, else_clause=otherwise):
                for branch in (then, otherwise):
                    if branch is not None:
                        self._prepare(branch, schema)
            case _:
                assert_never(node)

    def builder(self, fetch: Fetch) -> RepBuilder | None:
        """The representation builder of an entity fetch; None for a root fetch."""
        return self._builders.get(id(fetch))

    def root_keys(self, fetch: Fetch) -> tuple[str, ...]:
        """The response keys a root fetch writes: where its failure shows in the response."""
        return self._root_keys.get(id(fetch), ())

    def filler(self, fetch: Fetch) -> Filler:
        """The representation loop of an entity fetch (``rep_codegen.py``)."""
        return self._fillers[id(fetch)]

    def forget(self, walked: Walked, path: tuple[str, ...], fetch: Fetch) -> None:
        """Drop the walks an entity fetch's merge at ``path`` changes (``walked.py``)."""
        known = self._stale.get(id(fetch))
        if known is None:
            walked.clear()
        else:
            forget(walked, path, known)

    def operation_name(self, fetch: Fetch | BatchFetch) -> str | None:
        return self._names.get(id(fetch))

    async def execute(
        self,
        client: SubgraphClient,
        variables: Mapping[str, Any],
        context: RequestContext | None = None,
        headers: HeaderRules = NO_HEADER_RULES,
        initial: dict[str, Any] | None = None,
        call: SubgraphCall = call_subgraph,
    ) -> ExecutionResult:
        """``variables``: the client's variables as JSON (defaults applied), forwarded to
        subgraphs as they are and read for ``Condition`` nodes. ``context`` is the client
        request's; ``headers`` builds each subgraph request's headers from it. ``initial``:
        data already fetched, which the plan completes (a subscription event); ``call`` makes
        each subgraph call (``call_subgraph``, or telemetry's instrumented one)."""
        run = _Run(self, client, variables, context, headers.bind(context), call)
        if initial is not None:
            run.data = initial
        if self.plan.node is not None:
            await run.node(self.plan.node)
        return run.data, run.errors


class _Batch(NamedTuple):
    """One entity fetch's input: representation i was built from every object in owners[i];
    typenames[i] is its ``__typename`` before input rewrites (for output rewrites). Response
    paths are only worked out when an error needs them (``_Run._located``). A named tuple:
    made per entity fetch, and a frozen dataclass's ``__init__`` costs a call per field."""

    path: tuple[str, ...]
    reps: list[dict[str, Any]]
    typenames: list[str | None]
    owners: list[list[dict[str, Any]]]


class _Run:
    __slots__ = (
        "call",
        "client",
        "compiled",
        "context",
        "data",
        "errors",
        "headers",
        "variables",
        "walked",
    )

    def __init__(
        self,
        compiled: CompiledPlan,
        client: SubgraphClient,
        variables: Mapping[str, Any],
        context: RequestContext | None = None,
        headers: SubgraphHeaders | None = None,
        call: SubgraphCall = call_subgraph,
    ) -> None:
        self.compiled = compiled
        self.call = call
        self.client = client
        self.variables = variables
        self.context = context
        self.headers = headers or NO_HEADER_RULES.bind(None)
        self.data: dict[str, Any] = {}
        # values at path prefixes, shared by later fetches until a merge changes them
        self.walked: Walked = {}
        self.errors: list[dict[str, Any]] = []

    def node(self, node: PlanNode) -> Coroutine[Any, Any, None]:
        """The node's work: the coroutine of the step that does it, awaited by the caller (no
        coroutine layer of its own per plan node)."""
        match node:
            case Fetch():
                return self.fetch((), node)
            case Flatten(path=path, node=fetch):
                return self.fetch(path, fetch)
            case BatchFetch():
                return self.batch_fetch(node)
            case Sequence(nodes=nodes):
                return self.sequence(nodes)
            case Parallel(nodes=nodes):
                # every branch ends before a (bug) exception surfaces (parallel.py)
                return branches(self.node, nodes)
            case Condition(condition=var, if_clause=then, else_clause=otherwise):
                branch = then if self.variables.get(var) is True else otherwise
                return _nothing() if branch is None else self.node(branch)
            case _:
                assert_never(node)

    async def sequence(self, nodes: tuple[PlanNode, ...]) -> None:
        for child in nodes:
            await self.node(child)

    def fetch(self, path: tuple[str, ...], fetch: Fetch) -> Coroutine[Any, Any, None]:
        # the fetch's own coroutine, awaited by the caller: no coroutine layer in between
        builder = self.compiled.builder(fetch)
        if builder is None:
            return self.root_fetch(fetch)
        return self.entity_fetch(path, fetch, builder)

    def _request(
        self, fetch: Fetch | BatchFetch, variables: dict[str, Any], operation: str | None = None
    ) -> SubgraphRequest:
        for var in fetch.variable_usages:
            if var in self.variables:
                variables[var] = self.variables[var]
        body: dict[str, Any] = {"query": operation or fetch.operation, "variables": variables}
        name = self.compiled.operation_name(fetch)
        if name is not None:
            body["operationName"] = name
        url = self.compiled.urls.get(fetch.service, "")
        shareable = isinstance(fetch, BatchFetch) or fetch.operation_kind != "mutation"
        headers = self.headers.for_subgraph(fetch.service)
        return SubgraphRequest(fetch.service, url, body, headers, shareable, self.context)

    async def root_fetch(self, fetch: Fetch) -> None:
        result = await self.call(self.client, self._request(fetch, {}), None)
        keys = self.compiled.root_keys(fetch)
        self._failure(result, fetch.service, [(k,) for k in keys])
        for raw in result.errors:
            path = raw.get("path") if isinstance(raw, dict) else None
            at = tuple(path) if isinstance(path, list) else None
            self.errors.extend(subgraph_error(raw, fetch.service, [at]))
        if result.data:
            apply_output_rewrites(result.data, fetch.output_rewrites, self.compiled.matcher)
            self.walked.clear()
            deep_merge(self.data, result.data)

    async def entity_fetch(self, path: tuple[str, ...], fetch: Fetch, builder: RepBuilder) -> None:
        if fetch.context_variables:
            await self.context_fetch(path, fetch, builder)
            return
        batch = self._representations(path, fetch, builder)
        if not batch.reps:
            return  # no object needs this fetch: no call at all
        request = self._request(fetch, {"representations": batch.reps})
        result = await self.call(self.client, request, {"_entities": len(batch.reps)})
        if result.failure is not None or result.errors:
            owners = self._located(batch)
            self._failure(result, fetch.service, [at for group in owners for _, at in group])
            for raw in result.errors:
                self.errors.extend(subgraph_error(raw, fetch.service, _entity_paths(raw, owners)))
        self._merge_entities(result, "_entities", fetch, batch)

    async def batch_fetch(self, node: BatchFetch) -> None:
        """Each entry's representations go in ``$r<i>``; its answer comes back in ``_<i>``."""
        batches: list[_Batch] = []
        for entry in node.entries:
            builder = self.compiled.builder(entry.node)
            assert builder is not None
            batches.append(self._representations(entry.path, entry.node, builder))
        if not any(b.reps for b in batches):
            return
        inputs, answers = _batch_keys(len(batches))
        variables: dict[str, Any] = {k: b.reps for k, b in zip(inputs, batches, strict=True)}
        counts = {k: len(b.reps) for k, b in zip(answers, batches, strict=True)}
        result = await self.call(self.client, self._request(node, variables), counts)
        if result.failure is not None or result.errors:
            located = [self._located(b) for b in batches]
            paths = [at for owners in located for group in owners for _, at in group]
            self._failure(result, node.service, paths)
            for raw in result.errors:
                self.errors.extend(subgraph_error(raw, node.service, _batch_paths(raw, located)))
        for key, entry, batch in zip(answers, node.entries, batches, strict=True):
            self._merge_entities(result, key, entry.node, batch)

    async def context_fetch(self, path: tuple[str, ...], fetch: Fetch, builder: RepBuilder) -> None:
        """An entity fetch with @fromContext variables: one ``_entities`` call per distinct
        set of context values (``_<i>`` with ``$r<i>``), all in one request."""
        groups = self._context_batches(path, fetch, builder)
        if not groups:
            return
        if len(groups) == 1:
            values, batch = groups[0]
            request = self._request(fetch, {"representations": batch.reps, **values})
            counts, keys = {"_entities": len(batch.reps)}, ["_entities"]
        else:
            variables: dict[str, Any] = {}
            for i, (values, batch) in enumerate(groups):
                variables[f"r{i}"] = batch.reps
                variables.update({f"{var}_{i}": value for var, value in values.items()})
            request = self._request(fetch, variables, grouped_operation(fetch, len(groups)))
            keys = [f"_{i}" for i in range(len(groups))]
            counts = {k: len(b.reps) for k, (_, b) in zip(keys, groups, strict=True)}
        result = await self.call(self.client, request, counts)
        if result.failure is not None or result.errors:
            located = [self._located(b) for _, b in groups]
            self._failure(result, fetch.service, [at for o in located for g in o for _, at in g])
            for raw in result.errors:
                at = _entity_paths(raw, located[0]) if len(groups) == 1 else None
                self.errors.extend(
                    subgraph_error(raw, fetch.service, at or _batch_paths(raw, located))
                )
        for key, (_, batch) in zip(keys, groups, strict=True):
            self._merge_entities(result, key, fetch, batch)

    def _context_batches(
        self, path: tuple[str, ...], fetch: Fetch, builder: RepBuilder
    ) -> list[tuple[dict[str, Any], _Batch]]:
        groups = group_by_context(self.data, path, fetch, builder, self.compiled.matcher)
        return [(g.values, _Batch(path, g.reps, g.typenames, g.owners)) for g in groups]

    def _merge_entities(self, result: CallResult, key: str, fetch: Fetch, batch: _Batch) -> None:
        entities = result.data.get(key) if result.data else None
        if not isinstance(entities, list):
            return
        owners = batch.owners
        matcher = self.compiled.matcher
        rewrites = fetch.output_rewrites
        # only the walks this merge can change are forgotten: the next wave starts from the
        # objects found (walked.py)
        self.compiled.forget(self.walked, batch.path, fetch)
        for entity, group, typename in zip(entities, owners, batch.typenames, strict=True):
            if isinstance(entity, dict):
                if rewrites:  # rare: no call per entity without them
                    apply_output_rewrites(entity, rewrites, matcher, typename)
                if len(group) > 1 and leaves_only(entity):
                    # deep_merge of leaves is a plain update: one C call per object that
                    # asked for this entity, the check once per entity (``|=``: no method
                    # lookup, no argument tuple unpacked, as ``update`` has)
                    for obj in group:
                        obj |= entity
                else:
                    for obj in group:
                        deep_merge(obj, entity)

    def _representations(self, path: tuple[str, ...], fetch: Fetch, builder: RepBuilder) -> _Batch:
        """Deduplicated representations of the objects at ``path``, with who asked for each."""
        matcher = self.compiled.matcher
        batch = _Batch(path, [], [], [])
        values = collect_values(self.data, path, matcher, self.walked)
        self.compiled.filler(fetch)(values, batch.reps, batch.typenames, batch.owners, {}, {}, {})
        return batch

    def _located(self, batch: _Batch) -> list[list[_Owner]]:
        """``batch.owners`` with each object's response path (for errors only: slow path)."""
        paths = {
            id(obj): at for obj, at in collect_objects(self.data, batch.path, self.compiled.matcher)
        }
        return [[(obj, paths.get(id(obj), ())) for obj in group] for group in batch.owners]

    def _failure(self, result: CallResult, service: str, paths: list[ResponsePath]) -> None:
        failure = result.failure
        if failure is None:
            return
        if not paths:
            self.errors.append(error(failure.message, failure.code, service=service))
        for at in paths:
            self.errors.append(error(failure.message, failure.code, path=at, service=service))


async def _nothing() -> None:
    """A ``Condition`` whose branch for this request is empty."""


@lru_cache(maxsize=256)
def _batch_keys(n: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A batch's ``$r<i>`` variable names and ``_<i>`` answer keys (not formatted per request)."""
    return tuple(f"r{i}" for i in range(n)), tuple(f"_{i}" for i in range(n))


def _batch_paths(raw: Any, located: list[list[list[_Owner]]]) -> list[ResponsePath | None]:
    """``["_<i>", j, *rest]`` → like ``_entity_paths`` within entry i."""
    path = raw.get("path") if isinstance(raw, dict) else None
    if isinstance(path, list) and path and isinstance(path[0], str) and path[0][1:].isdigit():
        i = int(path[0][1:])
        if path[0].startswith("_") and i < len(located):
            renamed = {**raw, "path": ["_entities", *path[1:]]}
            return _entity_paths(renamed, located[i])
    return [None]


def _entity_paths(raw: Any, owners: list[list[_Owner]]) -> list[ResponsePath | None]:
    """``["_entities", i, *rest]`` → the response path of every object of representation i
    (plus ``rest``); ``["_entities"]`` → every object's path."""
    path = raw.get("path") if isinstance(raw, dict) else None
    if path == ["_entities"]:
        return [at for group in owners for _, at in group]
    if (
        isinstance(path, list)
        and len(path) >= 2
        and path[0] == "_entities"
        and isinstance(path[1], int)
        and 0 <= path[1] < len(owners)
    ):
        rest = tuple(path[2:])
        return [(*at, *rest) for _, at in owners[path[1]]]
    return [None]


def _operation(text: str) -> OperationDefinitionNode:
    """The one operation of a fetch's document."""
    for definition in parse(text, no_location=True).definitions:
        if isinstance(definition, OperationDefinitionNode):
            return definition
    raise ValueError(f"fetch without an operation: {text!r}")


def _keys(selection_set: SelectionSetNode, out: list[str]) -> None:
    """Top-level response keys of a root fetch: where its failure shows in the response."""
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            if sel.name.value != "__typename":
                out.append(sel.alias.value if sel.alias else sel.name.value)
        elif isinstance(sel, InlineFragmentNode):
            _keys(sel.selection_set, out)
