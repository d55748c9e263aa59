"""Demand control at run time: the estimated cost of each request before it runs (refused
over ``max`` in ``enforce`` mode, logged in ``measure`` mode), the actual cost from its
response after, both logged and, with ``fedgate.demand_control.expose_in_extensions``, in the
response's ``extensions.cost``. The actual cost is Apollo's ``by_subgraph`` (the default: the
subgraph responses scored as they arrive, ``cost_subgraph``) or ``by_response_shape`` (the
client's response scored).

Plugins read the costs from the request context's scratch space (``COSTS``), the way Apollo
Router's plugins read its ``apollo::demand_control::*`` context entries.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode

from gateway.config.edge_model import DemandControlConfig, SubgraphCostLimits
from gateway.context import RequestContext, ScratchKey
from gateway.errors import ConfigError
from gateway.planner.plan import QueryPlan
from gateway.supergraph import Supergraph

from .cost import OPERATION_COSTS, CostError, CostModel, Memo
from .cost_directives import NO_COST_DIRECTIVES, cost_directives, requirements
from .cost_plan import PlanCost
from .cost_subgraph import Call, R, SubgraphCost

__all__ = ["COSTS", "Costs", "DemandControl"]

log = logging.getLogger("fedgate.demand_control")

TOO_EXPENSIVE = "COST_ESTIMATED_TOO_EXPENSIVE"
SUBGRAPH_TOO_EXPENSIVE = "SUBGRAPH_COST_ESTIMATED_TOO_EXPENSIVE"
PARSE_FAILURE = "COST_QUERY_PARSE_FAILURE"
_CACHED_ESTIMATES = 1024


@dataclass(slots=True)
class Costs:
    """One request's costs; ``result`` is Apollo's (``COST_OK``, ``COST_ESTIMATED_TOO_EXPENSIVE``,
    ``COST_QUERY_PARSE_FAILURE``)."""

    estimated: float
    result: str = "COST_OK"
    actual: float | None = None
    # by_subgraph: each subgraph's responses' cost, added as they arrive
    subgraphs: dict[str, float] | None = None
    # with per-subgraph limits: each subgraph's estimated cost (its fetches in the plan)
    estimated_subgraphs: dict[str, float] | None = None
    # the actual-cost walk's compiled selection sets, shared by requests alike
    memo: Memo | None = field(default=None, repr=False, compare=False)

    def add_subgraph(self, subgraph: str, cost: float) -> None:
        if self.subgraphs is None:
            self.subgraphs = {}
        self.subgraphs[subgraph] = self.subgraphs.get(subgraph, 0.0) + cost


COSTS: ScratchKey[Costs] = ScratchKey("demand_control.costs")


class DemandControl:
    """One supergraph's demand control (built once per generation)."""

    def __init__(
        self, config: DemandControlConfig, schema: GraphQLSchema, supergraph: Supergraph | None
    ) -> None:
        """``supergraph``: where the directives come from (None: every element's default)."""
        self.config = config
        directives = cost_directives(supergraph.sdl) if supergraph else NO_COST_DIRECTIVES
        requires = requirements(supergraph) if supergraph else None
        self.model = CostModel(schema, directives, config.list_size, requires)
        self.by_subgraph = config.actual_cost_mode == "by_subgraph"
        self._subgraph_cost = SubgraphCost(self.model, COSTS)
        self._estimates: dict[tuple[int, bytes], tuple[OperationDefinitionNode, float, Memo]] = {}
        self._plan_cost: PlanCost | None = None
        if config.subgraph is not None:
            _check_names(config.subgraph, supergraph)
            self._plan_cost = PlanCost(self.model, config.subgraph)
        self._plan_estimates: dict[tuple[int, bytes], tuple[QueryPlan, dict[str, float]]] = {}

    def estimate(
        self,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        plan: QueryPlan | None = None,
    ) -> tuple[Costs, dict[str, Any] | None]:
        """The estimated costs, and the error body when the request must not run.
        ``plan``: the operation's plan, scored by subgraph when per-subgraph limits are set."""
        try:
            estimated, memo = self._estimate(operation, fragments, variables)
        except CostError as exc:
            costs = Costs(0.0, PARSE_FAILURE)
            return costs, _error(str(exc), PARSE_FAILURE, {})
        costs = Costs(estimated, memo=memo)
        errors = []
        if estimated > self.config.max:
            costs.result = TOO_EXPENSIVE
            message = (
                f"query estimated cost {estimated:g} exceeded configured maximum "
                f"{self.config.max:g}"
            )
            extra = {"cost.estimated": estimated, "cost.max": self.config.max}
            errors.append(_entry(message, TOO_EXPENSIVE, extra))
        if self._plan_cost is not None and plan is not None:
            errors += self._subgraph_limits(costs, plan, variables)
        if not errors or self.config.mode == "measure":
            return costs, None
        return costs, {"errors": errors}

    def _subgraph_limits(
        self, costs: Costs, plan: QueryPlan, variables: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Each subgraph's estimate, in ``costs``; an error for each over its limit."""
        assert self._plan_cost is not None
        by_subgraph = self._plan_estimate(self._plan_cost, plan, variables)
        costs.estimated_subgraphs = by_subgraph
        limits = self._plan_cost.limits
        errors = []
        for name, cost in sorted(by_subgraph.items()):
            limit = limits.max_for(name)
            if limit is None or cost <= limit:
                continue
            if costs.result == "COST_OK":
                costs.result = SUBGRAPH_TOO_EXPENSIVE
            message = (
                f"query estimated cost {cost:g} exceeded configured maximum {limit:g} "
                f"for subgraph {name}"
            )
            extra = {
                "cost.subgraph": name,
                "cost.subgraph.estimated": cost,
                "cost.subgraph.max": limit,
            }
            errors.append(_entry(message, SUBGRAPH_TOO_EXPENSIVE, extra))
        return errors

    def _plan_estimate(
        self, plan_cost: PlanCost, plan: QueryPlan, variables: Mapping[str, Any]
    ) -> dict[str, float]:
        """Cached like ``_estimate``, by plan and variable values."""
        try:
            key = (id(plan), orjson.dumps(variables, option=orjson.OPT_SORT_KEYS))
        except TypeError:
            return plan_cost.by_subgraph(plan, variables)
        hit = self._plan_estimates.get(key)
        if hit is not None and hit[0] is plan:
            return hit[1]
        by_subgraph = plan_cost.by_subgraph(plan, variables)
        if len(self._plan_estimates) >= _CACHED_ESTIMATES:
            self._plan_estimates.clear()
        self._plan_estimates[key] = (plan, by_subgraph)
        return by_subgraph

    def wrap_call(self, call: Call[R]) -> Call[R]:
        """The subgraph call that scores each response (installed in by_subgraph mode)."""
        return self._subgraph_cost.wrap(call)

    def start(self, costs: Costs, context: RequestContext) -> None:
        """Before execution, by_subgraph: where the subgraph call finds the request's costs."""
        context.scratch.set(COSTS, costs)

    def _estimate(
        self,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> tuple[float, Memo]:
        """Cached by operation and variable values: a repeated request costs a lookup (and
        its actual-cost walk reuses the compiled selection sets)."""
        try:
            key = (id(operation), orjson.dumps(variables, option=orjson.OPT_SORT_KEYS))
        except TypeError:
            return self.model.estimate(operation, fragments, variables), {}
        hit = self._estimates.get(key)
        # the entry holds the operation, so its id cannot be another's while it is cached
        if hit is not None and hit[0] is operation:
            return hit[1], hit[2]
        estimated = self.model.estimate(operation, fragments, variables)
        if len(self._estimates) >= _CACHED_ESTIMATES:
            self._estimates.clear()
        memo: Memo = {}
        self._estimates[key] = (operation, estimated, memo)
        return estimated, memo

    def finish(
        self,
        costs: Costs,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        body: dict[str, Any],
        context: RequestContext | None,
    ) -> None:
        """After the response: the actual cost, logged, in the context and (when asked) in
        the response body."""
        if costs.result == PARSE_FAILURE:
            pass
        elif self.by_subgraph:
            base = OPERATION_COSTS[operation.operation.value]
            costs.actual = base + sum((costs.subgraphs or {}).values())
        else:
            data = body.get("data")
            costs.actual = self.model.actual(operation, fragments, variables, data, costs.memo)
        self.report(costs, operation, body, context)

    def report(
        self,
        costs: Costs,
        operation: OperationDefinitionNode,
        body: dict[str, Any],
        context: RequestContext | None,
    ) -> None:
        if context is not None:
            context.scratch.set(COSTS, costs)
        if log.isEnabledFor(logging.INFO):
            name = operation.name.value if operation.name else "-"
            request_id = context.request_id if context else "-"
            log.info(
                "demand control: operation=%s request=%s estimated=%g actual=%s result=%s%s%s",
                name,
                request_id,
                costs.estimated,
                "-" if costs.actual is None else f"{costs.actual:g}",
                costs.result,
                _by_subgraph(costs.subgraphs),
                _by_subgraph(costs.estimated_subgraphs, "estimated_subgraphs"),
            )
        if self.config.expose_in_extensions:
            body.setdefault("extensions", {})["cost"] = {
                "estimated": costs.estimated,
                "actual": costs.actual,
                "max": self.config.max,
                "result": costs.result,
                "strategy": "static_estimated",
                "mode": self.config.mode,
            }
            if self.by_subgraph and costs.actual is not None:
                body["extensions"]["cost"]["actualBySubgraph"] = dict(costs.subgraphs or {})
            if costs.estimated_subgraphs is not None:
                estimated = dict(costs.estimated_subgraphs)
                body["extensions"]["cost"]["estimatedBySubgraph"] = estimated


def _by_subgraph(subgraphs: dict[str, float] | None, label: str = "subgraphs") -> str:
    if not subgraphs:
        return ""
    costs = ",".join(f"{name}:{cost:g}" for name, cost in sorted(subgraphs.items()))
    return f" {label}={costs}"


def _entry(message: str, code: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extra}}


def _error(message: str, code: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {"errors": [_entry(message, code, extra)]}


def _check_names(limits: SubgraphCostLimits, supergraph: Supergraph | None) -> None:
    """A limit for a subgraph the supergraph does not have is a typo: say so (as Apollo)."""
    if supergraph is None:
        return
    unknown = [name for name, _, _ in limits.subgraphs if name not in supergraph.graphs]
    if unknown:
        raise ConfigError(
            "demand_control.strategy.static_estimated.subgraph.subgraphs names unknown "
            f"subgraph(s) {', '.join(unknown)} (the supergraph has "
            f"{', '.join(sorted(supergraph.graphs))})"
        )
