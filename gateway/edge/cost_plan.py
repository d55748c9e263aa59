"""Estimated cost by subgraph, for Apollo Router's per-subgraph limits
(``demand_control.strategy.static_estimated.subgraph``): each fetch of the query plan is
scored as the operation the gateway will send that subgraph, and a subgraph's estimate is the
sum over its fetches.

The rules are the client operation's (``cost.py``), applied to the fetch's document with the
subgraph's ``list_size`` (its own, else ``subgraph.all``'s, else the strategy's). An
``_entities`` field is a list like any other: ``list_size`` entities, each its type's cost
plus the fields asked of it, summed over the fragments of the fetch, as Apollo Router scores
the subgraph operation against the subgraph schema's ``[_Entity]!``. The fields a fetch asks
for ``@requires`` are in its document, so they count there and nowhere else. A
``Condition`` costs the branch its variable picks (the dearer one where the value is not a
boolean).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from gateway.config.edge_model import SubgraphCostLimits
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

from .cost import CostModel, Walk, single_operation

__all__ = ["PlanCost"]

_CACHED_DOCUMENTS = 1024
_Document = tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode]]


class PlanCost:
    """Scores plans for one supergraph (built once per generation)."""

    def __init__(self, model: CostModel, limits: SubgraphCostLimits) -> None:
        """``model``: the client operation's rules (schema, directives, list size)."""
        self.limits = limits
        self._model = model
        # one cost model per list size in use (a model is the schema, directives, list size)
        self._models: dict[int, CostModel] = {}
        # the plans' fetch documents, parsed once each (bounded: the plan cache is)
        self._documents: dict[str, _Document | None] = {}

    def by_subgraph(self, plan: QueryPlan, variables: Mapping[str, Any]) -> dict[str, float]:
        """Each subgraph's estimated cost for ``plan`` (subgraphs it does not call: absent)."""
        costs: dict[str, float] = {}
        # @defer: a deferred block's fetches run all the same (later), so they count too
        nodes = [plan.node, *(block.node for block in plan.deferred)]
        for node in nodes:
            if node is None:
                continue
            for service, cost in self._node(node, variables):
                costs[service] = costs.get(service, 0.0) + cost
        return costs

    def _node(self, node: PlanNode, variables: Mapping[str, Any]) -> list[tuple[str, float]]:
        if isinstance(node, Fetch | BatchFetch):
            return [(node.service, self._fetch(node.service, node.operation, variables))]
        if isinstance(node, Flatten):
            return self._node(node.node, variables)
        if isinstance(node, Sequence | Parallel):
            return [part for child in node.nodes for part in self._node(child, variables)]
        assert isinstance(node, Condition)
        value = variables.get(node.condition)
        if isinstance(value, bool):  # the branch this request takes
            taken = node.if_clause if value else node.else_clause
            return [] if taken is None else self._node(taken, variables)
        branches = [
            self._node(branch, variables)
            for branch in (node.if_clause, node.else_clause)
            if branch is not None
        ]
        return max(branches, key=lambda parts: sum(cost for _, cost in parts), default=[])

    def _fetch(self, service: str, operation: str, variables: Mapping[str, Any]) -> float:
        document = self._parse(operation)
        if document is None:
            return 0.0
        definition, fragments = document
        model = self._model_for(self.limits.list_size_for(service, self._model.list_size))
        root = model.schema.get_root_type(definition.operation)
        if root is None:
            return 0.0
        walk = Walk(model, fragments, variables)
        total = 0.0
        for node, owner in walk.fields(definition.selection_set, root):
            if node.name.value == "_entities" and node.selection_set is not None:
                total += model.list_size * _entity_cost(walk, node.selection_set)
            else:
                total += walk.field(node, owner, {})
        return total

    def _model_for(self, list_size: int) -> CostModel:
        """The rules with this list size and no ``@requires`` field sets: a fetch's own
        document holds the fields it asks for them, which must not count twice."""
        model = self._models.get(list_size)
        if model is None:
            model = CostModel(self._model.schema, self._model.directives, list_size)
            self._models[list_size] = model
        return model

    def _parse(self, operation: str) -> _Document | None:
        if operation not in self._documents:
            if len(self._documents) >= _CACHED_DOCUMENTS:
                self._documents.clear()  # distinct operations must not grow it without bound
            self._documents[operation] = single_operation(operation)
        return self._documents[operation]


def _entity_cost(walk: Walk, selection_set: SelectionSetNode) -> float:
    """One entity of an ``_entities`` list: for each fragment on an entity type, the type's
    cost and the fields asked of it."""
    schema = walk.model.schema
    total = 0.0
    for selection in selection_set.selections:
        if not walk.included(selection):
            continue
        if isinstance(selection, InlineFragmentNode) and selection.type_condition is not None:
            condition, inner = selection.type_condition.name.value, selection.selection_set
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in walk.fragments:
            fragment = walk.fragments[selection.name.value]
            condition, inner = fragment.type_condition.name.value, fragment.selection_set
        else:
            continue  # __typename beside the fragments
        named = schema.get_type(condition)
        if named is None:
            continue  # a type the API schema hides (@inaccessible): nothing to score
        weight = walk.model.directives.types.get(condition, 1.0)
        total += weight + walk.selections(inner, named, {})
    return total
