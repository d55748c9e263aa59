"""The request pipeline, as an ordered list of stages:

    parse → limits → validate → authorize → plan     once per distinct operation (``front.py``),
                                                     cached by (document, operation name, the
                                                     plan-relevant values: @override labels)
    operation and plan hooks                         per request, only when a plugin has them
    coerce variables → execute → shape → respond     per request

No HTTP here (see ``gateway.server``; it runs the request and response hooks). A cache hit is
a dict lookup, then execute and shape: it never touches graphql-core's parser, validator or
executor. ``responses`` yields the answer as a stream of parts (one part today) so that @defer
and subscriptions add parts without changing the callers.
"""

from __future__ import annotations

import logging
import random
from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from graphql import GraphQLSchema

from gateway.auth.authorizer import Authorizer
from gateway.auth.filter import OperationNeeds
from gateway.auth.requirements import Access
from gateway.config import GatewayConfig
from gateway.context import RequestContext
from gateway.edge.demand import DemandControl
from gateway.execution import CompiledPlan, TypeMatcher, shape_response
from gateway.execution.executor import SubgraphCall
from gateway.execution.incremental import first_part_extras
from gateway.execution.prepare import Prepared, Rejected
from gateway.execution.subgraph_call import call_subgraph
from gateway.execution.typematch import hidden_types
from gateway.planner import Planner
from gateway.planner.budget import Limits
from gateway.planner.override import LabelRequest, OverrideLabelHook, OverrideLabels
from gateway.planner.plan import QueryPlan
from gateway.plugins import (
    Hooks,
    Operation,
    PlanInfo,
    PluginFailure,
    PluginRejection,
    hooks_for,
    run_hooks,
)
from gateway.plugins.api import CONTEXT_ENTRIES
from gateway.plugins.client import HookedClient
from gateway.supergraph import Supergraph
from gateway.transport.base import SubgraphClient

from .authorize import AUTH_REQUIRED, RequestAccess, claims_of
from .front import FrontSettings, operation_needs, prepare_operation

# events: a supergraph with broker-fed fields links this feature (gateway/events)
EVENTS_LINK = "https://specs.fedgate.dev/events/"

if TYPE_CHECKING:
    from gateway.cache import EntityCache
    from gateway.events.bind import BoundEvents
    from gateway.events.runtime import Events
    from gateway.redis.plans import SharedPlans
    from gateway.telemetry.runtime import Telemetry

__all__ = ["Gateway", "GatewayResponse", "PlannerLike", "ResponseKind", "SupergraphLike"]

log = logging.getLogger("fedgate.pipeline")
_STREAM_ONLY = (
    "A subscription needs a streaming protocol: graphql-transport-ws over WebSocket, "
    "Accept: text/event-stream (GraphQL over SSE) or "
    'Accept: multipart/mixed;subscriptionSpec="1.0"'
)

ResponseKind = Literal["ok", "request_error", "method_not_allowed"]
"""``request_error``: no ``data`` entry (parse, validation, operation or variable errors);
``method_not_allowed``: a mutation where only queries may run (GET)."""


@dataclass(frozen=True, slots=True)
class GatewayResponse:
    """One response part. ``status``: an HTTP status a plugin chose (a rejection), else None
    (the server derives it from ``kind``)."""

    body: dict[str, Any]
    kind: ResponseKind = "ok"
    status: int | None = None
    # @defer: the later parts of an incremental response (``body`` is the first), else None
    rest: AsyncIterator[dict[str, Any]] | None = None


class PlannerLike(Protocol):
    def plan(
        self, document: Any, operation_name: str | None = None, *, labels: frozenset[str] = ...
    ) -> QueryPlan: ...


class _SubgraphInfoLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...


class SupergraphLike(Protocol):
    @property
    def graphs(self) -> Mapping[str, _SubgraphInfoLike]: ...
    @property
    def api_schema(self) -> GraphQLSchema: ...


class Gateway:
    """One supergraph, one subgraph client, one config; ``execute`` per client request."""

    def __init__(
        self,
        supergraph: SupergraphLike,
        client: SubgraphClient,
        config: GatewayConfig | None = None,
        *,
        planner: PlannerLike | None = None,
        limits: Limits | None = None,
        override_label_hook: OverrideLabelHook | None = None,
        rng: random.Random | None = None,
        hooks: Hooks | None = None,
        telemetry: Telemetry | None = None,
        entity_cache: EntityCache | None = None,
        shared_plans: SharedPlans | None = None,
        events: Events | None = None,
    ) -> None:
        """``limits``: the budgets every operation must fit, checked before validation
        (default: the config's ``limits``); ``override_label_hook``: per request, the
        progressive @override labels to turn on (besides the configured ones); ``rng`` rolls
        the ``percent(N)`` labels; ``hooks``: the plugins' hooks (default: the config's
        ``fedgate.plugins`` and ``coprocessor``); ``telemetry``: the app's traces, metrics
        and logs (its steps are wrapped here, once); ``shared_plans``: the plan cache's
        Redis tier (``supergraph.query_planning.cache.redis``), None when not configured;
        ``events``: the app's message brokers (default: made from the config's
        ``fedgate.events``) for a supergraph with broker-fed fields; ``entity_cache``: the
        app's (kept across reloads; default: one built from the config's ``entity_cache``,
        when set)."""
        self.config = config or GatewayConfig()
        self.limits = limits or self.config.limits
        self.schema = supergraph.api_schema
        sdl = supergraph.sdl if isinstance(supergraph, Supergraph) else None
        self.hooks = hooks if hooks is not None else hooks_for(self.config, sdl)
        # events: broker-fed subscription and publish fields, only where the supergraph
        # links the feature (gateway/events); a missing provider refuses the generation
        self.events: BoundEvents | None = None
        if sdl is not None and EVENTS_LINK in sdl:
            from gateway.events.bind import BoundEvents
            from gateway.events.runtime import Events as _Events

            assert isinstance(supergraph, Supergraph)
            own = _Events(self.config.events) if self.config.events is not None else None
            self.events = BoundEvents(supergraph, events or own)
            client = self.events.client(client)
        if self.hooks.on_subgraph_request or self.hooks.on_subgraph_response:
            client = HookedClient(client, self.hooks)
        self.client = client
        if planner is None:
            if not isinstance(supergraph, Supergraph):
                raise TypeError("without a planner, Gateway needs a loaded Supergraph")
            planner = Planner(
                supergraph,
                batch=self.config.batch_fetches,
                limits=self.limits,
                defer=self.config.defer.enabled,  # @defer: deferred blocks in the plans
            )
        self.planner = planner
        graphs = [(info.name, info.url) for info in supergraph.graphs.values()]
        graphs += [(key, info.url) for key, info in supergraph.graphs.items()]
        self.urls = self.config.resolve_urls(graphs)
        hidden = hidden_types(supergraph) if isinstance(supergraph, Supergraph) else None
        self.matcher = TypeMatcher(self.schema, hidden)
        tracer = telemetry.front_tracer() if telemetry is not None else None
        # authorization directives: None where the supergraph has none (or they are off)
        authorizer = (
            Authorizer.of(supergraph, self.config.authorization)
            if isinstance(supergraph, Supergraph)
            else None
        )
        self.authorizer = authorizer
        self._front = FrontSettings(
            self.schema,
            planner,
            self.urls,
            self.matcher,
            self.config.introspection,
            self.limits,
            subscriptions=self.config.subscription.enabled,
            authorizer=authorizer,
            tracer=tracer,
        )
        self._access = (
            RequestAccess(authorizer, self._needs_of, self.config.operation_cache_size)
            if authorizer is not None
            else None
        )
        self._require_authentication = self.config.authorization.require_authentication
        # per-request hooks between the cache and execution: one test when there are none
        self._operation_hooks = bool(self.hooks.on_operation or self.hooks.on_plan)
        self._cache: OrderedDict[tuple[Any, ...], Prepared | Rejected] = OrderedDict()
        # shared state: Redis asked on a plan cache miss (None: never, and no await)
        self._shared_plans = shared_plans
        labels = (
            OverrideLabels.of(supergraph, self.config.override_labels)
            if isinstance(supergraph, Supergraph)
            else None
        )
        # None where the supergraph has no labelled override: the per-request check is free
        self._labels = labels if labels is not None and labels.any() else None
        self._label_hook = override_label_hook
        self._rng = rng or random.Random()
        # edge: demand control, only when configured (None: one test per request)
        edge = self.config.edge
        self._demand: DemandControl | None = None
        if edge is not None and edge.demand_control is not None:
            loaded = supergraph if isinstance(supergraph, Supergraph) else None
            self._demand = DemandControl(edge.demand_control, self.schema, loaded)
        self._call: SubgraphCall = call_subgraph
        if telemetry is not None:
            # observability: instrumented steps chosen once (gateway/telemetry)
            self.run = telemetry.wrap_run(self.run)  # type: ignore[method-assign,assignment]
            prepare = telemetry.wrap_prepare(self.prepare, self._cache, cache_key)
            self.prepare = prepare  # type: ignore[method-assign]
            self._execute = telemetry.wrap_execute(self._execute)  # type: ignore[method-assign]
            self._call = telemetry.wrap_call(call_subgraph)
        if self._demand is not None and self._demand.by_subgraph:
            # edge: demand control's by_subgraph actual cost scores each subgraph response
            self._call = self._demand.wrap_call(self._call)
        # entity cache: lookups and stores around each subgraph call, only when configured
        if entity_cache is None and self.config.entity_cache is not None:
            from gateway.cache import EntityCache

            entity_cache = EntityCache(self.config.entity_cache, supergraph)
        self.entity_cache = entity_cache
        if entity_cache is not None:
            self._call = entity_cache.wrap_call(self._call)

    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        expose_plan: bool = False,
        allow_mutations: bool = True,
        override_labels: Iterable[str] = (),
        context: RequestContext | None = None,
    ) -> dict[str, Any]:
        response = await self.run(
            query,
            variables,
            operation_name,
            expose_plan=expose_plan,
            allow_mutations=allow_mutations,
            override_labels=override_labels,
            context=context,
        )
        return response.body

    async def run(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        expose_plan: bool = False,
        allow_mutations: bool = True,
        override_labels: Iterable[str] = (),
        context: RequestContext | None = None,
        incremental: bool = False,
    ) -> GatewayResponse:
        """``override_labels``: progressive @override labels this request turns on;
        ``context``: the client request's (made by the server; ``None`` for a call from code,
        which then sends only the default headers to subgraphs); ``incremental``: the client
        takes @defer's incremental delivery (``GatewayResponse.rest``)."""
        if self._require_authentication and _anonymous(context):
            return GatewayResponse(AUTH_REQUIRED, "request_error", 401)
        # no labelled @override in the supergraph (the usual case): not even the call
        labels = (
            _NO_LABELS
            if self._labels is None
            else self.active_labels(query, operation_name, variables or {}, override_labels)
        )
        access: Access | Rejected | None = None
        if self._access is not None:
            access = self._access.of(query, operation_name, context)
        if isinstance(access, Rejected):
            entry: Prepared | Rejected = access
        elif self._shared_plans is None:
            entry = self.prepare(query, operation_name, labels, access)
        else:  # shared state: on a miss here, the plan may be in Redis
            entry = await self._shared_plans.prepare(self, query, operation_name, labels, access)
        if isinstance(entry, Rejected):
            # Cached: hand out a copy so that a caller editing its response cannot edit ours.
            return GatewayResponse(
                {**entry.body, "errors": list(entry.body["errors"])}, "request_error"
            )
        if self._operation_hooks:
            context = context or RequestContext.create()
            stopped = await self._operation_hooks_stop(
                entry, context, query, operation_name, variables
            )
            if stopped is not None:
                return stopped
        if entry.operation_type != "query":
            if entry.operation_type == "subscription":
                # streamed by gateway.subscriptions; a plain request/response cannot carry it
                body = _error_body(_STREAM_ONLY, "SUBSCRIPTION_PROTOCOL_REQUIRED")
                return GatewayResponse(body, "request_error", 406)
            if not allow_mutations:
                msg = "Mutations can only be sent over HTTP POST"
                body = _error_body(msg, "MUTATION_FORBIDDEN")
                return GatewayResponse(body, "method_not_allowed")
        coerced = entry.coerce_variables(variables or {})
        if isinstance(coerced, Rejected):
            return GatewayResponse(coerced.body, "request_error")
        forwarded, conditions = coerced
        demand = self._demand
        if demand is not None:
            costs, refused = demand.estimate(
                entry.operation, entry.fragments, forwarded, entry.plan
            )
            if refused is not None:
                demand.report(costs, entry.operation, refused, context)
                return GatewayResponse(refused, "request_error")
            if demand.by_subgraph:
                context = context or RequestContext.create()
                demand.start(costs, context)
        if incremental and entry.incremental is not None:
            # @defer: the first part now, the deferred ones as they finish (incremental.py)
            parts = await self._incremental(entry, forwarded, conditions, variables or {}, context)
            if parts is not None:
                if expose_plan:
                    self._expose_plan(entry, parts.body)
                return parts
        try:
            body = await self._execute(entry, forwarded, conditions, variables or {}, context)
        except Exception:
            # A bug, not a client or subgraph problem: never let it become a bare 500.
            request_id = context.request_id if context else "-"
            log.exception(
                "unexpected error executing operation %r (request %s)", operation_name, request_id
            )
            body = {"data": None, **_error_body("Internal server error", "INTERNAL_SERVER_ERROR")}
        if demand is not None:
            demand.finish(costs, entry.operation, entry.fragments, forwarded, body, context)
        if expose_plan:
            self._expose_plan(entry, body)
        return GatewayResponse(body)

    def _expose_plan(self, entry: Prepared, body: dict[str, Any]) -> None:
        """The plan in ``extensions.apolloQueryPlan``, when the config allows it."""
        if self.config.expose_query_plan and entry.plan is not None:
            plan = {"object": entry.plan_json(), "text": entry.plan_text()}
            body.setdefault("extensions", {})["apolloQueryPlan"] = plan

    async def responses(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        **options: Any,
    ) -> AsyncGenerator[GatewayResponse, None]:
        """The response as a stream of parts (several with ``incremental=True`` for an
        operation with @defer)."""
        response = await self.run(query, variables, operation_name, **options)
        yield response
        if response.rest is not None:
            async for body in response.rest:
                yield GatewayResponse(body)

    async def operation_hooks(
        self,
        entry: Prepared,
        context: RequestContext,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> GatewayResponse | None:
        """The operation and plan hooks for an operation run outside ``run`` (a
        subscription); the response when one of them stops it, None otherwise (or none)."""
        if not self._operation_hooks:
            return None
        return await self._operation_hooks_stop(entry, context, query, operation_name, variables)

    async def _operation_hooks_stop(
        self,
        entry: Prepared,
        context: RequestContext,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> GatewayResponse | None:
        """The operation and plan hooks; a response when one of them stops the request."""
        try:
            if self.hooks.on_operation:
                operation = Operation(
                    entry.document, entry.operation_name, entry.operation_type, context
                )
                await run_hooks(self.hooks.on_operation, operation)
            if self.hooks.on_plan:
                body = {"query": query, "operationName": operation_name, "variables": variables}
                await run_hooks(self.hooks.on_plan, PlanInfo(entry.plan, context, body))
        except PluginRejection as exc:
            return GatewayResponse(exc.response_body(), "request_error", exc.status)
        except PluginFailure as exc:
            return GatewayResponse(exc.response_body())
        return None

    def active_labels(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any],
        requested: Iterable[str] = (),
    ) -> frozenset[str]:
        """The progressive @override labels in force for one request (none, at no cost,
        where the supergraph has no labelled override)."""
        labels = self._labels
        if labels is None:
            return frozenset()
        wanted = set(requested)
        if self._label_hook is not None and labels.named:
            request = LabelRequest(query, operation_name, variables, labels.unresolved)
            wanted.update(self._label_hook(request))
        return labels.roll(self._rng, wanted)

    def prepare(
        self,
        query: str,
        operation_name: str | None,
        labels: frozenset[str] = frozenset(),
        access: Access | None = None,
    ) -> Prepared | Rejected:
        """The cached preparation of one (document, operation name, active labels, and the
        request's access where the supergraph has authorization directives)."""
        key = cache_key(query, operation_name, labels, access)
        entry = self._cache.get(key)
        if entry is not None:
            self._cache.move_to_end(key)
            return entry
        entry = prepare_operation(query, operation_name, self._front, labels, access)
        self._remember(key, entry)
        return entry

    # shared state: the plan cache's Redis tier (gateway/redis/plans.py) asks these two

    def cached(
        self,
        query: str,
        operation_name: str | None,
        labels: frozenset[str],
        access: Access | None,
    ) -> bool:
        return cache_key(query, operation_name, labels, access) in self._cache

    def prepare_planned(
        self,
        query: str,
        operation_name: str | None,
        labels: frozenset[str],
        access: Access | None,
        plan: QueryPlan,
    ) -> Prepared | Rejected:
        """As ``prepare``, with the plan given (found in Redis): parsed, validated and
        authorized here, not planned."""
        key = cache_key(query, operation_name, labels, access)
        entry = self._cache.get(key)
        if entry is not None:
            return entry
        front = replace(self._front, planner=_GivenPlan(plan))
        entry = prepare_operation(query, operation_name, front, labels, access)
        self._remember(key, entry)
        return entry

    def _remember(self, key: tuple[Any, ...], entry: Prepared | Rejected) -> None:
        if self.config.operation_cache_size > 0:
            self._cache[key] = entry
            if len(self._cache) > self.config.operation_cache_size:
                self._cache.popitem(last=False)

    # plan-cache warming on hot reload (supergraph.query_planning.warmed_up_queries)

    def recent_operations(self, count: int) -> list[tuple[str, str | None, frozenset[str]]]:
        """The ``count`` most recently used cache keys, most recent first (call it on the
        event loop: the cache is not for other threads)."""
        if count <= 0:
            return []
        keys = list(reversed(self._cache))
        return keys[:count]

    def warm(self, keys: list[tuple[str, str | None, frozenset[str]]]) -> int:
        """Prepare (parse, validate, plan) ``keys`` on this gateway's supergraph before it
        serves, least recent first so that the cache keeps their order; the number cached."""
        for query, operation_name, labels in reversed(keys):
            self.prepare(query, operation_name, labels)
        return sum(1 for key in keys if key in self._cache)

    def _needs_of(self, query: str, operation_name: str | None) -> OperationNeeds | Rejected:
        return operation_needs(query, operation_name, self._front)

    def required_policies(self, query: str, operation_name: str | None) -> frozenset[str]:
        """The @policy names the operation mentions (what a plugin or coprocessor decides)."""
        if self._access is None:
            return frozenset()
        needs = self._access.needs(query, operation_name)
        return needs.policies if isinstance(needs, OperationNeeds) else frozenset()

    async def _incremental(
        self,
        entry: Prepared,
        forwarded: dict[str, Any],
        conditions: Mapping[str, Any],
        raw_variables: Mapping[str, Any],
        context: RequestContext | None,
    ) -> GatewayResponse | None:
        """@defer's parts (None: nothing deferred in this request, answered as usual)."""
        extra = first_part_extras(entry, raw_variables)
        try:
            parts = await entry.incremental.respond(
                self.client, forwarded, conditions, context, self.config.headers, self._call, extra
            )
        except Exception:
            log.exception("unexpected error executing a deferred operation")
            body = {"data": None, **_error_body("Internal server error", "INTERNAL_SERVER_ERROR")}
            return GatewayResponse(body)
        if parts is None:
            return None
        return GatewayResponse(parts[0], rest=parts[1])

    async def _execute(
        self,
        entry: Prepared,
        forwarded: dict[str, Any],
        conditions: Mapping[str, Any],
        raw_variables: Mapping[str, Any],
        context: RequestContext | None,
    ) -> dict[str, Any]:
        if entry.planning_error is not None:
            return {"data": None, "errors": [entry.planning_error]}
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        compiled: CompiledPlan | None = entry.compiled
        if compiled is not None:
            data, errors = await compiled.execute(
                self.client, forwarded, context, self.config.headers, call=self._call
            )
        if entry.introspection is not None:
            intro_data, intro_errors = entry.introspection.execute(raw_variables)
            data.update(intro_data)
            errors.extend(intro_errors)
        authorization = entry.authorization
        if authorization is not None and authorization.errors:
            # removed by authorization: their nulls are explained, first in the list
            errors[:0] = [
                {**e, "path": list(e["path"]), "extensions": dict(e["extensions"])}
                for e in authorization.errors
            ]
        notes: list[dict[str, Any]] = []
        shaped = shape_response(entry.shape_for(conditions), data, errors, notes)
        body: dict[str, Any] = {"data": shaped}
        if errors:
            body["errors"] = errors
        if notes:
            # where the data broke the schema: not errors (as Apollo Gateway answers), but said
            body["extensions"] = {"valueCompletion": notes}
        if authorization is not None and authorization.extensions:
            body.setdefault("extensions", {})["authorizationErrors"] = list(
                authorization.extensions
            )
        return body


def _anonymous(context: RequestContext | None) -> bool:
    if context is None:
        return True
    return claims_of(context, context.scratch.get(CONTEXT_ENTRIES)) is None


_NO_LABELS: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _GivenPlan:
    """A planner that answers one plan (the shared plan cache's hit)."""

    given: QueryPlan

    def plan(
        self,
        document: Any,
        operation_name: str | None = None,
        *,
        labels: frozenset[str] = _NO_LABELS,
    ) -> QueryPlan:
        return self.given


def _error_body(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def cache_key(
    query: str, operation_name: str | None, labels: frozenset[str], access: Access | None
) -> tuple[Any, ...]:
    """The operation cache's key: the access only where the supergraph has authorization
    directives (telemetry's plan-cache metric asks with the same key)."""
    if access is None:
        return (query, operation_name, labels)
    return (query, operation_name, labels, access)
