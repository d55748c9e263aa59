"""The front stages: one document text and operation name → a ``Prepared`` operation (or the
``Rejected`` request error). They run once per distinct operation; the pipeline caches the
result, so a cache hit never touches graphql-core's parser or validator.

The stages, in order (``FRONT_STAGES``): parse → limits → validate → select the operation →
authorize → plan. Limits come before validation because validating a hostile document can cost
more than measuring it. ``authorize`` runs only with authorization directives in the
supergraph (``gateway/auth/``): it removes what the request's access may not read, and the
filtered operation is planned, while the response keeps the client's shape (``null`` and an
error where something was removed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
    visit,
)
from graphql.language import Visitor

from gateway.auth.authorizer import Authorization, Authorizer
from gateway.auth.filter import OperationNeeds
from gateway.auth.requirements import Access
from gateway.errors import GatewayError
from gateway.execution import CompiledPlan, TypeMatcher
from gateway.execution.incremental import Incremental
from gateway.execution.prepare import Prepared, Rejected, error_body, formatted_error
from gateway.execution.shape_compile import INTROSPECTION_FIELDS
from gateway.planner.budget import DEFAULT_LIMITS, Limits, check_document, check_text
from gateway.planner.defer_plan import whole
from gateway.planner.plan import QueryPlan

__all__ = ["FRONT_STAGES", "FrontSettings", "operation_needs", "prepare_operation"]

log = logging.getLogger("fedgate.pipeline")


class PlannerLike(Protocol):
    def plan(
        self, document: Any, operation_name: str | None = None, *, labels: frozenset[str] = ...
    ) -> QueryPlan: ...


@dataclass(frozen=True, slots=True)
class FrontSettings:
    """What the front stages need that does not change per operation."""

    schema: GraphQLSchema
    planner: PlannerLike
    urls: Mapping[str, str]
    matcher: TypeMatcher
    introspection: bool = True
    limits: Limits = DEFAULT_LIMITS
    # subscription.enabled: subscriptions are planned (and run by gateway.subscriptions)
    subscriptions: bool = False
    authorizer: Authorizer | None = None
    # observability: an OpenTelemetry tracer for one span per stage (None: no spans)
    tracer: Any = None


@dataclass(slots=True)
class _Work:
    """One operation on its way through the front stages (lives for one cache miss)."""

    query: str
    operation_name: str | None
    labels: frozenset[str]
    document: DocumentNode | None = None
    operation: OperationDefinitionNode | None = None
    fragments: dict[str, FragmentDefinitionNode] = field(default_factory=dict)
    access: Access | None = None
    authorization: Authorization | None = None


Stage = Callable[[_Work, FrontSettings], Rejected | None]


def _parse(work: _Work, settings: FrontSettings) -> Rejected | None:
    # bracket nesting, on the text: a parser recursion bomb never reaches the parser
    too_deep = check_text(work.query, settings.limits)
    if too_deep is not None:
        return Rejected(error_body(too_deep.message, too_deep.code))
    try:
        work.document = parse(
            work.query, max_tokens=settings.limits.max_tokens, allow_empty_selection_sets=False
        )
    except GraphQLError as exc:
        return Rejected({"errors": [formatted_error(exc, "GRAPHQL_PARSE_FAILED")]})
    return None


def _limits(work: _Work, settings: FrontSettings) -> Rejected | None:
    assert work.document is not None
    work.document, exceeded = check_document(work.document, settings.limits)
    if exceeded is not None:
        return Rejected(error_body(exceeded.message, exceeded.code))
    return None


def _validate(work: _Work, settings: FrontSettings) -> Rejected | None:
    assert work.document is not None
    errors = validate(
        settings.schema, work.document, max_errors=settings.limits.max_validation_errors
    )
    if errors:
        return Rejected(
            {"errors": [formatted_error(e, "GRAPHQL_VALIDATION_FAILED") for e in errors]}
        )
    return None


def _select(work: _Work, settings: FrontSettings) -> Rejected | None:
    assert work.document is not None
    operation = _select_operation(work.document, work.operation_name)
    if isinstance(operation, Rejected):
        return operation
    work.operation = operation
    work.fragments = {
        d.name.value: d for d in work.document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if not settings.introspection and _uses_introspection(operation, work.fragments):
        msg = "GraphQL introspection is not allowed, but the query contained __schema or __type"
        return Rejected(error_body(msg, "INTROSPECTION_DISABLED"))
    if operation.operation is OperationType.SUBSCRIPTION and not settings.subscriptions:
        msg = "Subscriptions are not enabled on this gateway (subscription.enabled)"
        return Rejected(error_body(msg, "SUBSCRIPTION_NOT_SUPPORTED"))
    return None


def _authorize(work: _Work, settings: FrontSettings) -> Rejected | None:
    """With authorization directives: what this access may not read is removed (or, with
    ``reject_unauthorized``, the operation is refused)."""
    if settings.authorizer is None or work.access is None:
        return None
    assert work.operation is not None
    work.authorization = settings.authorizer.authorize(work.operation, work.fragments, work.access)
    if work.authorization.rejected:
        return Rejected({"errors": list(work.authorization.errors)})
    return None


FRONT_STAGES: tuple[Stage, ...] = (_parse, _limits, _validate, _select, _authorize)


def prepare_operation(
    query: str,
    operation_name: str | None,
    settings: FrontSettings,
    labels: frozenset[str] = frozenset(),
    access: Access | None = None,
) -> Prepared | Rejected:
    """The front stages, then the plan. ``labels``: the progressive @override labels in force
    (plan-relevant, so part of the cache key); ``access``: the request's, where the supergraph
    has authorization directives (also part of the key)."""
    work = _Work(query, operation_name, labels, access=access)
    if settings.tracer is not None:
        return _traced_stages(work, settings)
    for stage in FRONT_STAGES:
        rejected = stage(work, settings)
        if rejected is not None:
            return rejected
    prepared = _plan(work, settings)
    if work.authorization is not None:
        prepared.authorization = work.authorization
    return prepared


def operation_needs(
    query: str, operation_name: str | None, settings: FrontSettings
) -> OperationNeeds | Rejected:
    """What the operation's authorization directives mention (the stages before authorize)."""
    work = _Work(query, operation_name, frozenset())
    for stage in FRONT_STAGES[:-1]:
        rejected = stage(work, settings)
        if rejected is not None:
            return rejected
    assert settings.authorizer is not None and work.operation is not None
    return settings.authorizer.needs(work.operation, work.fragments)


def _traced_stages(work: _Work, settings: FrontSettings) -> Prepared | Rejected:
    """The stages as above, each in a span named after it (``parse``, ``validate``...)."""
    tracer = settings.tracer
    for stage in FRONT_STAGES:
        with tracer.start_as_current_span(stage.__name__.lstrip("_")) as span:
            rejected = stage(work, settings)
            if rejected is not None:
                errors = rejected.body.get("errors") or [{}]
                code = (errors[0].get("extensions") or {}).get("code", "")
                span.set_attribute("error.type", code)
                return rejected
    with tracer.start_as_current_span("plan") as span:
        prepared = _plan(work, settings)
        if prepared.planning_error is not None:
            span.set_attribute("error.type", prepared.planning_error["extensions"]["code"])
        return prepared


def _plan(work: _Work, settings: FrontSettings) -> Prepared:
    operation = work.operation
    assert operation is not None and work.document is not None
    plan: QueryPlan | None = None
    compiled: CompiledPlan | None = None
    planning_error: dict[str, Any] | None = None
    document = work.document
    authorization = work.authorization
    if authorization is not None and authorization.operation is not operation:
        if authorization.operation is None:
            # nothing left to ask any subgraph: every field answers null with its error
            return Prepared(settings.schema, operation, work.fragments, None, None, None, document)
        # the filtered operation is planned; the response keeps the client's shape
        document = DocumentNode(definitions=(authorization.operation,))
    try:
        # without labels, the plain call: planners that know no labels keep working
        if work.labels:
            plan = settings.planner.plan(document, work.operation_name, labels=work.labels)
        else:
            plan = settings.planner.plan(document, work.operation_name)
        # @defer: the whole response runs every deferred block after its enclosing part
        compiled = CompiledPlan(whole(plan), settings.schema, settings.urls, settings.matcher)
    except GatewayError as exc:
        planning_error = {"message": exc.message, "extensions": {"code": exc.code}}
    except Exception as exc:
        # A planner bug must not take the request down with a 500; it is logged and reported.
        log.exception("query planning failed unexpectedly")
        message = f"Query planning failed: {exc}"
        planning_error = {"message": message, "extensions": {"code": "QUERY_PLANNING_FAILED"}}
    prepared = Prepared(
        settings.schema, operation, work.fragments, plan, compiled, planning_error, work.document
    )
    if plan is not None and plan.deferred and document is work.document:
        # @defer: incremental delivery (execution/incremental.py); not for an operation that
        # authorization filtered (its plan numbers another document's fragments)
        prepared.incremental = Incremental.of(
            plan, settings.schema, settings.urls, settings.matcher, operation, work.fragments
        )
    return prepared


def _select_operation(
    document: DocumentNode, name: str | None
) -> OperationDefinitionNode | Rejected:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(ops) == 1:
            return ops[0]
        msg = "Must provide operation name if query contains multiple operations."
        return Rejected(error_body(msg, "OPERATION_RESOLUTION_FAILURE"))
    for op in ops:
        if op.name is not None and op.name.value == name:
            return op
    return Rejected(
        error_body(f"Unknown operation named '{name}'.", "OPERATION_RESOLUTION_FAILURE")
    )


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
