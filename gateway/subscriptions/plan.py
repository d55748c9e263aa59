"""A subscription's plan, split: the primary fetch (the subgraph stream) and the rest, which
completes each event (entity fetches to the other subgraphs), compiled once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import GraphQLSchema

from gateway.errors import PlanningError
from gateway.execution import CompiledPlan, TypeMatcher
from gateway.planner.plan import Fetch, QueryPlan, Sequence

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
    node = plan.node
    rest: QueryPlan | None = None
    if isinstance(node, Sequence) and node.nodes and isinstance(node.nodes[0], Fetch):
        primary = node.nodes[0]
        tail = node.nodes[1:]
        rest = QueryPlan(tail[0] if len(tail) == 1 else Sequence(tail))
    elif isinstance(node, Fetch):
        primary = node
    else:
        raise PlanningError(
            "This subscription cannot be planned as one subgraph stream (a conditional "
            "subscription root field is not supported).",
            code="SUBSCRIPTION_PLAN_UNSUPPORTED",
        )
    if primary.operation_kind != "subscription":
        raise PlanningError(
            "The subscription's first fetch is not a subscription.",
            code="SUBSCRIPTION_PLAN_UNSUPPORTED",
        )
    compiled = CompiledPlan(rest, schema, urls, matcher) if rest is not None else None
    return SubscriptionPlan(primary, compiled)
