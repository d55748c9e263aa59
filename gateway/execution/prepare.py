"""One validated, planned operation ready to run: the compiled plan, introspection, variable
coercion and the response shapes (compiled once per @skip/@include combination).

The pipeline's front stages (``gateway.pipeline.front``: parse, limits, validate, plan) make it
once per distinct operation and cache it; per request only ``coerce_variables``, the plan's
execution and ``shape_for`` (a dict lookup after the first request) run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    VariableDefinitionNode,
    VariableNode,
    value_from_ast_untyped,
    visit,
)
from graphql.execution.values import get_variable_values
from graphql.language import Visitor

from gateway.planner.format import format_plan
from gateway.planner.plan import QueryPlan
from gateway.planner.plan_json import plan_to_json

from .executor import CompiledPlan
from .introspection import Introspection
from .shape_compile import SelectionShape, ShapeCompiler

__all__ = ["Prepared", "Rejected", "error_body", "formatted_error"]


@dataclass(frozen=True, slots=True)
class Rejected:
    """A request error: the response body (``{"errors": [...]}``, no ``data``)."""

    body: dict[str, Any]


class Prepared:
    """A valid operation, planned (or with its planning error) and ready to run.

    ``document`` is kept for the operation hooks (plugins read the parsed operation)."""

    __slots__ = (
        "_cond_vars",
        "_defaults",
        "_fragments",
        "_operation",
        "_plan_json",
        "_plan_text",
        "_root",
        "_schema",
        "_shapes",
        "authorization",
        "compiled",
        "document",
        "incremental",
        "introspection",
        "operation_type",
        "plan",
        "planning_error",
    )

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        plan: QueryPlan | None,
        compiled: CompiledPlan | None,
        planning_error: dict[str, Any] | None,
        document: Any = None,
    ) -> None:
        self.document = document
        self._schema = schema
        self._operation = operation
        self._fragments = fragments
        self.operation_type = operation.operation.value
        self.plan = plan
        self.compiled = compiled
        self.planning_error = planning_error
        self.introspection = Introspection.of(schema, operation, fragments)
        self._cond_vars = _condition_variables(operation, fragments)
        self._defaults = {
            d.variable.name.value: value_from_ast_untyped(d.default_value)
            for d in operation.variable_definitions or ()
            if d.default_value is not None
        }
        root = schema.get_root_type(operation.operation)
        assert root is not None  # validation rejected operations without a root type
        self._root = root
        self._shapes: dict[tuple[Any, ...], SelectionShape] = {}
        self._plan_text: str | None = None
        self._plan_json: dict[str, Any] | None = None
        # authorization's outcome (gateway/auth/authorizer.py), when the supergraph has any
        self.authorization: Any = None
        # @defer: the deferred blocks (execution/incremental.py); None without any
        self.incremental: Any = None

    @property
    def operation_name(self) -> str | None:
        """The name of the operation that runs (the document's, not the request's)."""
        name = self._operation.name
        return name.value if name is not None else None

    @property
    def operation(self) -> OperationDefinitionNode:
        """The operation that runs (read by demand control's cost walk)."""
        return self._operation

    @property
    def fragments(self) -> Mapping[str, FragmentDefinitionNode]:
        return self._fragments

    @property
    def variable_definitions(self) -> tuple[VariableDefinitionNode, ...]:
        return tuple(self._operation.variable_definitions or ())

    def coerce_variables(
        self, raw: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]] | Rejected:
        """(variables to forward to subgraphs as JSON, coerced skip/include variables)."""
        defs = self._operation.variable_definitions
        if not defs:
            return {}, {}
        result = get_variable_values(self._schema, defs, dict(raw))
        if isinstance(result, list):
            return Rejected({"errors": [formatted_error(e, "BAD_USER_INPUT") for e in result]})
        forwarded: dict[str, Any] = {}
        for d in defs:
            name = d.variable.name.value
            if name in raw:
                forwarded[name] = raw[name]
            elif name in self._defaults:
                forwarded[name] = self._defaults[name]
        coerced = result.coerced
        return forwarded, {v: coerced.get(v) for v in self._cond_vars}

    def shape_for(self, conditions: Mapping[str, Any]) -> SelectionShape:
        key = tuple(conditions.get(v) is True for v in self._cond_vars)
        shape = self._shapes.get(key)
        if shape is None:
            compiler = ShapeCompiler(self._schema, self._fragments, conditions)
            shape = compiler.root(self._root, self._operation.selection_set)
            self._shapes[key] = shape
        return shape

    def plan_json(self) -> dict[str, Any]:
        if self._plan_json is None:
            self._plan_json = plan_to_json(self.plan or QueryPlan(None))
        return self._plan_json

    def plan_text(self) -> str:
        if self._plan_text is None:
            self._plan_text = format_plan(self.plan) if self.plan is not None else ""
        return self._plan_text


def error_body(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def formatted_error(error: GraphQLError, code: str) -> dict[str, Any]:
    out: dict[str, Any] = {"message": error.message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    out["extensions"] = {**(error.extensions or {}), "code": code}
    return out


def _condition_variables(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> tuple[str, ...]:
    """Variables used by ``@skip``/``@include``: they decide the shape, so they key its cache."""
    found: dict[str, None] = {}

    class _Finder(Visitor):
        def enter_directive(self, node: Any, *_: Any) -> None:
            if node.name.value in ("skip", "include"):
                for arg in node.arguments or ():
                    if isinstance(arg.value, VariableNode):
                        found[arg.value.name.value] = None

    visit(operation, _Finder())
    for fragment in fragments.values():
        visit(fragment, _Finder())
    return tuple(found)
