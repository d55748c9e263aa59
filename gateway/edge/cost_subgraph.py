"""Actual cost by subgraph, Apollo Router's ``actual_cost_mode: by_subgraph`` (its default):
each subgraph response is scored as the operation the gateway sent that subgraph, and the
request's actual cost is the client operation's base cost plus their sum. Entity fetches and
the fields fetched for ``@requires`` count as the subgraphs were asked for them, which the
client's response (``by_response_shape``) does not show.

An ``_entities`` answer (or its ``_0``, ``_1``... aliases in a batch) counts each entity as an
object of its ``__typename`` (its type's cost: 1, or its ``@cost``) plus the fields asked of it;
the ``__typename`` is read from the entity, else from the representation it answers.

Installed only when demand control is on in this mode: a wrapper around the executor's
subgraph call, which adds each response's cost to the request's ``Costs``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    VariableNode,
)

from gateway.context import ScratchKey
from gateway.transport.base import SubgraphClient, SubgraphRequest

from .cost import CostModel, Memo, Walk, single_operation

__all__ = ["SubgraphCost", "SubgraphCosts"]

_CACHED_DOCUMENTS = 1024
# an operation, its fragments, and the compiled selection sets its walks share (None: its
# variables decide what is compiled, so each walk compiles its own)
_Parsed = tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode], Memo | None]


class _Answer(Protocol):
    @property
    def data(self) -> dict[str, Any] | None: ...


R = TypeVar("R", bound=_Answer)
Call = Callable[[SubgraphClient, SubgraphRequest, Mapping[str, int] | None], Awaitable[R]]


class SubgraphCosts(Protocol):
    """Where a request's subgraph costs are added (``demand.Costs``)."""

    def add_subgraph(self, subgraph: str, cost: float) -> None: ...


class SubgraphCost:
    """Scores subgraph responses against one supergraph's cost rules."""

    def __init__(self, model: CostModel, costs_key: ScratchKey[Any]) -> None:
        """``costs_key``: where the request's ``SubgraphCosts`` sit in its context."""
        self.model = model
        self.costs_key = costs_key
        # the plan's fetch operations are few and fixed: parsed once each
        self._documents: dict[str, _Parsed | None] = {}

    def wrap(self, call: Call[R]) -> Call[R]:
        async def scored(
            client: SubgraphClient,
            request: SubgraphRequest,
            entity_counts: Mapping[str, int] | None,
        ) -> R:
            result = await call(client, request, entity_counts)
            context = request.context
            data = result.data
            if context is not None and data:
                costs = context.scratch.get(self.costs_key)
                if costs is not None:
                    costs.add_subgraph(request.subgraph, self.score(request.body, data))
            return result

        return scored

    def score(self, body: Mapping[str, Any] | bytes, data: Mapping[str, Any]) -> float:
        """The cost of one subgraph response to the request ``body``."""
        if not isinstance(body, Mapping):
            return 0.0  # the executor sends mappings; a body it did not build is not scored
        query = body.get("query")
        parsed = self._parse(query) if isinstance(query, str) else None
        if parsed is None:
            return 0.0
        operation, fragments, memo = parsed
        root = self.model.schema.get_root_type(operation.operation)
        if root is None:
            return 0.0
        variables = body.get("variables") or {}
        walk = Walk(self.model, fragments, variables, memo)
        # root fields as in the client's walk (_entities has no definition there: skipped)
        total = walk.response(operation.selection_set, root, data)
        for node in operation.selection_set.selections:
            if isinstance(node, FieldNode) and node.name.value == "_entities":
                total += _entities(walk, node, variables, data)
        return total

    def _parse(self, query: str) -> _Parsed | None:
        if query in self._documents:
            return self._documents[query]
        found = single_operation(query)
        parsed = None if found is None else (*found, _shared_memo(found[0]))
        if len(self._documents) >= _CACHED_DOCUMENTS:
            self._documents.clear()
        self._documents[query] = parsed
        return parsed


def _entities(
    walk: Walk, node: FieldNode, variables: Mapping[str, Any], data: Mapping[str, Any]
) -> float:
    key = node.alias.value if node.alias else node.name.value
    items = data.get(key)
    if not isinstance(items, list) or node.selection_set is None:
        return 0.0
    representations = _representations(node, variables)
    total = 0.0
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue  # null: an entity the subgraph could not resolve costs nothing
        typename = item.get("__typename")
        if not isinstance(typename, str) and index < len(representations):
            rep = representations[index]
            typename = rep.get("__typename") if isinstance(rep, dict) else None
        if isinstance(typename, str):
            total += walk.entity(node.selection_set, typename, item)
    return total


def _shared_memo(operation: OperationDefinitionNode) -> Memo | None:
    """A memo all the walks of this operation share, when its only variables are the
    representations (which decide nothing that is compiled: @skip/@include and argument
    costs read the others)."""
    representations = {
        arg.value.name.value
        for node in operation.selection_set.selections
        if isinstance(node, FieldNode) and node.name.value == "_entities"
        for arg in node.arguments or ()
        if arg.name.value == "representations" and isinstance(arg.value, VariableNode)
    }
    names = {d.variable.name.value for d in operation.variable_definitions or ()}
    return {} if names <= representations else None


def _representations(node: FieldNode, variables: Mapping[str, Any]) -> list[Any]:
    for arg in node.arguments or ():
        if arg.name.value == "representations" and isinstance(arg.value, VariableNode):
            value = variables.get(arg.value.name.value)
            return value if isinstance(value, list) else []
    return []
