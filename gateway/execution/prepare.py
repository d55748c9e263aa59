"""Everything about one (document, operation name) that does not depend on the request:
parse, validate, pick the operation, plan, and precompute execution and shaping.

The result is cached by the pipeline; per request only ``coerce_variables``, the plan's
execution and ``shape_for`` (a dict lookup after the first request) run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableDefinitionNode,
    VariableNode,
    parse,
    validate,
    value_from_ast_untyped,
    visit,
)
from graphql.execution.values import get_variable_values
from graphql.language import Visitor

from gateway.errors import GatewayError
from gateway.planner.budget import DEFAULT_LIMITS, Limits, check_document, check_text
from gateway.planner.format import format_plan
from gateway.planner.plan import QueryPlan

from .executor import CompiledPlan
from .introspection import Introspection
from .plan_json import plan_to_json
from .shape_compile import INTROSPECTION_FIELDS, SelectionShape, ShapeCompiler
from .typematch import TypeMatcher

__all__ = ["Prepared", "Rejected", "prepare_operation"]

log = logging.getLogger("fedgate.prepare")

# Apollo Router's default parser limit: bounds the work a hostile document can cause
# (configurable as ``limits.parser_max_tokens``, kept in ``Limits.max_tokens``).
MAX_TOKENS = DEFAULT_LIMITS.max_tokens


class _Planner(Protocol):
    def plan(
        self, document: Any, operation_name: str | None = None, *, labels: frozenset[str] = ...
    ) -> QueryPlan: ...


@dataclass(frozen=True, slots=True)
class Rejected:
    """A request error: the response body (``{"errors": [...]}``, no ``data``)."""

    body: dict[str, Any]


class Prepared:
    """A valid operation, planned (or with its planning error) and ready to run."""

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
        "compiled",
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
    ) -> None:
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
            return Rejected({"errors": [_formatted(e, "BAD_USER_INPUT") for e in result]})
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


def prepare_operation(
    query: str,
    operation_name: str | None,
    *,
    schema: GraphQLSchema,
    planner: _Planner,
    urls: Mapping[str, str],
    matcher: TypeMatcher,
    introspection: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    labels: frozenset[str] = frozenset(),
) -> Prepared | Rejected:
    """``labels``: the progressive @override labels in force (part of the cache key)."""
    too_deep = check_text(query, limits)
    if too_deep is not None:
        return Rejected(_errors(too_deep.message, too_deep.code))
    try:
        document = parse(query, max_tokens=limits.max_tokens, allow_empty_selection_sets=False)
    except GraphQLError as exc:
        return Rejected({"errors": [_formatted(exc, "GRAPHQL_PARSE_FAILED")]})
    # Before validation: validating a hostile document can cost more than planning it.
    document, exceeded = check_document(document, limits)
    if exceeded is not None:
        return Rejected(_errors(exceeded.message, exceeded.code))
    errors = validate(schema, document, max_errors=limits.max_validation_errors)
    if errors:
        return Rejected({"errors": [_formatted(e, "GRAPHQL_VALIDATION_FAILED") for e in errors]})
    operation = _select_operation(document, operation_name)
    if isinstance(operation, Rejected):
        return operation
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if not introspection and _uses_introspection(operation, fragments):
        msg = "GraphQL introspection is not allowed, but the query contained __schema or __type"
        return Rejected(_errors(msg, "INTROSPECTION_DISABLED"))
    if operation.operation is OperationType.SUBSCRIPTION:
        return Rejected(_errors("Subscriptions are not supported", "SUBSCRIPTION_NOT_SUPPORTED"))
    plan: QueryPlan | None = None
    compiled: CompiledPlan | None = None
    planning_error: dict[str, Any] | None = None
    try:
        # without labels, the plain call: planners that know no labels keep working
        if labels:
            plan = planner.plan(document, operation_name, labels=labels)
        else:
            plan = planner.plan(document, operation_name)
        compiled = CompiledPlan(plan, schema, urls, matcher)
    except GatewayError as exc:
        planning_error = {"message": exc.message, "extensions": {"code": exc.code}}
    except Exception as exc:
        # A planner bug must not take the request down with a 500; it is logged and reported.
        log.exception("query planning failed unexpectedly")
        message = f"Query planning failed: {exc}"
        planning_error = {"message": message, "extensions": {"code": "QUERY_PLANNING_FAILED"}}
    return Prepared(schema, operation, fragments, plan, compiled, planning_error)


def _select_operation(
    document: DocumentNode, name: str | None
) -> OperationDefinitionNode | Rejected:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(ops) == 1:
            return ops[0]
        msg = "Must provide operation name if query contains multiple operations."
        return Rejected(_errors(msg, "OPERATION_RESOLUTION_FAILURE"))
    for op in ops:
        if op.name is not None and op.name.value == name:
            return op
    return Rejected(_errors(f"Unknown operation named '{name}'.", "OPERATION_RESOLUTION_FAILURE"))


def _errors(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def _formatted(error: GraphQLError, code: str) -> dict[str, Any]:
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


def _uses_introspection(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> bool:
    found = False

    class _Finder(Visitor):
        def enter_field(self, node: Any, *_: Any) -> None:
            nonlocal found
            if node.name.value in INTROSPECTION_FIELDS:
                found = True

    visit(operation, _Finder())
    for fragment in fragments.values():
        visit(fragment, _Finder())
    return found
