"""A subscription's plan, split: the primary fetch (the subgraph stream) and the rest, which
completes each event (entity fetches to the other subgraphs), compiled once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import GraphQLSchema

from gateway.errors import PlanningError
from gateway.execution import CompiledPlan, TypeMatcher
from gateway.planner.format import subscription_parts
from gateway.planner.plan import Fetch, QueryPlan

__all__ = ["SubscriptionPlan", "split_plan"]


@dataclass(frozen=True, slots=True)
class SubscriptionPlan:
    primary: Fetch
    rest: CompiledPlan | None


def split_plan(
    plan: QueryPlan, schema: GraphQLSchema, urls: Mapping[str, str], matcher: TypeMatcher
) -> SubscriptionPlan:
    """Raises ``PlanningError`` for a plan that does not start with one subscription fetch
    (a root field under @skip/@include on a variable, say: not supported)."""
    split = subscription_parts(plan.node) if plan.node is not None else None
    if split is None:
        raise PlanningError(
            "This subscription cannot be planned as one subgraph stream (a conditional "
            "subscription root field is not supported).",
            code="SUBSCRIPTION_PLAN_UNSUPPORTED",
        )
    primary, tail = split
    rest = QueryPlan(tail) if tail is not None else None
    compiled = CompiledPlan(rest, schema, urls, matcher) if rest is not None else None
    return SubscriptionPlan(primary, compiled)
