"""The planner: operation → query plan, in four steps (normalise, plan the roots and walk,
build plan nodes), with an LRU cache of plans per (document text, operation name)."""

from __future__ import annotations

from graphql import DocumentNode

from ..errors import PlanningError
from ..supergraph.model import Supergraph
from .budget import DEFAULT_LIMITS, Limits, check_document
from .build_plan import build_plan
from .metadata import Metadata
from .operation import normalize
from .plan import QueryPlan
from .roots import plan_roots

__all__ = ["Planner"]

# one Metadata (and its caches) per label set seen; label sets are few (2^labels at most)
_MAX_LABEL_SETS = 64


class Planner:
    def __init__(
        self,
        supergraph: Supergraph,
        *,
        batch: bool = False,
        limits: Limits = DEFAULT_LIMITS,
        defer: bool = False,
    ) -> None:
        """``batch``: plan queries in waves with each wave's entity fetches to one subgraph
        sent as one request (``BatchFetch``); fewer subgraph requests, one sync point per
        wave. ``limits``: the budgets an operation must fit (``budget.py``). ``defer``: plan
        @defer fragments as deferred blocks (``QueryPlan.deferred``, incremental delivery);
        without it they are planned like plain fragments (the whole response at once)."""
        self.supergraph = supergraph
        self.batch = batch
        self.defer = defer
        self.limits = limits
        self.meta = Metadata(supergraph)
        self._by_labels: dict[frozenset[str], Metadata] = {frozenset(): self.meta}
        self._roots = {
            "query": supergraph.query_type,
            "mutation": supergraph.mutation_type,
            "subscription": supergraph.subscription_type,
        }

    def plan(
        self,
        document: DocumentNode,
        operation_name: str | None = None,
        *,
        labels: frozenset[str] = frozenset(),
    ) -> QueryPlan:
        """Plan a validated operation. Raises ``PlanningError`` when no plan can satisfy it or
        it exceeds a budget. ``labels``: the progressive @override labels in force."""
        document, exceeded = check_document(document, self.limits)
        if exceeded is not None:
            raise PlanningError(exceeded.message, code=exceeded.code)
        try:
            return self._plan(document, operation_name, labels)
        except RecursionError:
            # The budgets bound every recursion by the operation's nesting; reaching Python's
            # limit anyway is a planner bug, reported as a planning failure, not a traceback.
            raise PlanningError(
                "Query planning failed: the planner recursed without bound on this operation.",
                code="QUERY_PLANNING_FAILED",
            ) from None

    def _plan(
        self, document: DocumentNode, operation_name: str | None, labels: frozenset[str]
    ) -> QueryPlan:
        op = normalize(document, operation_name, self._roots, defer=self.defer)
        walker, roots = plan_roots(self._meta(labels), op, self.limits.max_fetch_groups)
        return build_plan(op, walker.groups, roots, batch=self.batch, defers=walker.defers)

    def _meta(self, labels: frozenset[str]) -> Metadata:
        meta = self._by_labels.get(labels)
        if meta is None:
            meta = Metadata(self.supergraph, labels)
            if len(self._by_labels) < _MAX_LABEL_SETS:
                self._by_labels[labels] = meta
        return meta
