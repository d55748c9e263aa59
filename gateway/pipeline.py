"""The request pipeline: parse → validate → plan (cached) → coerce variables → execute → shape.

No HTTP here (see ``gateway.server``). Everything that depends only on the document text and the
operation name is prepared once and kept in an LRU cache, so a cache hit never touches
graphql-core's parser, validator or executor.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from graphql import GraphQLSchema

from gateway.config import GatewayConfig
from gateway.execution import CompiledPlan, TypeMatcher, shape_response
from gateway.execution.prepare import Prepared, Rejected, prepare_operation
from gateway.planner import Planner
from gateway.planner.plan import QueryPlan
from gateway.supergraph import Supergraph
from gateway.transport.base import SubgraphClient

__all__ = ["Gateway", "GatewayResponse", "PlannerLike", "ResponseKind", "SupergraphLike"]

log = logging.getLogger("fedgate.pipeline")

ResponseKind = Literal["ok", "request_error", "method_not_allowed"]
"""``request_error``: no ``data`` entry (parse, validation, operation or variable errors);
``method_not_allowed``: a mutation where only queries may run (GET)."""


@dataclass(frozen=True, slots=True)
class GatewayResponse:
    body: dict[str, Any]
    kind: ResponseKind = "ok"


class PlannerLike(Protocol):
    def plan(self, document: Any, operation_name: str | None = None) -> QueryPlan: ...


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
    ) -> None:
        self.config = config or GatewayConfig()
        self.schema = supergraph.api_schema
        self.client = client
        if planner is None:
            if not isinstance(supergraph, Supergraph):
                raise TypeError("without a planner, Gateway needs a loaded Supergraph")
            planner = Planner(supergraph, batch=self.config.batch_fetches)
        self.planner = planner
        graphs = [(info.name, info.url) for info in supergraph.graphs.values()]
        graphs += [(key, info.url) for key, info in supergraph.graphs.items()]
        self.urls = self.config.resolve_urls(graphs)
        self.matcher = TypeMatcher(self.schema)
        self._cache: OrderedDict[tuple[str, str | None], Prepared | Rejected] = OrderedDict()

    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        expose_plan: bool = False,
        allow_mutations: bool = True,
    ) -> dict[str, Any]:
        response = await self.run(
            query,
            variables,
            operation_name,
            expose_plan=expose_plan,
            allow_mutations=allow_mutations,
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
    ) -> GatewayResponse:
        entry = self.prepare(query, operation_name)
        if isinstance(entry, Rejected):
            # Cached: hand out a copy so that a caller editing its response cannot edit ours.
            return GatewayResponse(
                {**entry.body, "errors": list(entry.body["errors"])}, "request_error"
            )
        if not allow_mutations and entry.operation_type != "query":
            body = _error_body("Mutations can only be sent over HTTP POST", "MUTATION_FORBIDDEN")
            return GatewayResponse(body, "method_not_allowed")
        coerced = entry.coerce_variables(variables or {})
        if isinstance(coerced, Rejected):
            return GatewayResponse(coerced.body, "request_error")
        forwarded, conditions = coerced
        try:
            body = await self._execute(entry, forwarded, conditions, variables or {})
        except Exception:
            # A bug, not a client or subgraph problem: never let it become a bare 500.
            log.exception("unexpected error executing operation %r", operation_name)
            body = {"data": None, **_error_body("Internal server error", "INTERNAL_SERVER_ERROR")}
        if expose_plan and self.config.expose_query_plan and entry.plan is not None:
            plan = {"object": entry.plan_json(), "text": entry.plan_text()}
            body.setdefault("extensions", {})["apolloQueryPlan"] = plan
        return GatewayResponse(body)

    def prepare(self, query: str, operation_name: str | None) -> Prepared | Rejected:
        """The cached preparation of one (document, operation name)."""
        key = (query, operation_name)
        entry = self._cache.get(key)
        if entry is not None:
            self._cache.move_to_end(key)
            return entry
        entry = prepare_operation(
            query,
            operation_name,
            schema=self.schema,
            planner=self.planner,
            urls=self.urls,
            matcher=self.matcher,
            introspection=self.config.introspection,
        )
        if self.config.operation_cache_size > 0:
            self._cache[key] = entry
            if len(self._cache) > self.config.operation_cache_size:
                self._cache.popitem(last=False)
        return entry

    async def _execute(
        self,
        entry: Prepared,
        forwarded: dict[str, Any],
        conditions: Mapping[str, Any],
        raw_variables: Mapping[str, Any],
    ) -> dict[str, Any]:
        if entry.planning_error is not None:
            return {"data": None, "errors": [entry.planning_error]}
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        compiled: CompiledPlan | None = entry.compiled
        if compiled is not None:
            data, errors = await compiled.execute(self.client, forwarded)
        if entry.introspection is not None:
            intro_data, intro_errors = entry.introspection.execute(raw_variables)
            data.update(intro_data)
            errors.extend(intro_errors)
        notes: list[dict[str, Any]] = []
        shaped = shape_response(entry.shape_for(conditions), data, errors, notes)
        body: dict[str, Any] = {"data": shaped}
        if errors:
            body["errors"] = errors
        if notes:
            # where the data broke the schema: not errors (as Apollo Gateway answers), but said
            body["extensions"] = {"valueCompletion": notes}
        return body


def _error_body(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}
