"""The authorization directives for one supergraph and config: made once per gateway (None when
the supergraph has no such directive, so nothing is added to the request path).

Per request: ``access_for`` turns the request's claims (``scope``: a space-separated string or
a list) and the policy decisions a plugin or coprocessor wrote into the context
(``apollo::authorization::required_policies``, a map policy → true/false/null; null and
missing are false) into an ``Access``, keeping only what the operation mentions. Once per
operation and access: ``authorize`` filters the operation (or, with ``dry_run``, only says
what it would remove; with ``reject_unauthorized``, refuses it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode

from gateway.config.auth import AuthorizationConfig
from gateway.supergraph import Supergraph

from .filter import OperationNeeds, filter_operation, operation_needs
from .requirements import Access, Requirements

__all__ = [
    "CLAIMS_KEY",
    "POLICIES_KEY",
    "UNAUTHORIZED_CODE",
    "Authorization",
    "Authorizer",
    "scopes_of",
]

log = logging.getLogger("fedgate.authorization")

CLAIMS_KEY = "apollo::authentication::jwt_claims"
POLICIES_KEY = "apollo::authorization::required_policies"
UNAUTHORIZED_CODE = "UNAUTHORIZED_FIELD_OR_TYPE"
_MESSAGE = "Unauthorized field or type"
_ANONYMOUS = Access()


@dataclass(frozen=True, slots=True)
class Authorization:
    """The outcome for one operation and access: the operation to plan (None: nothing left),
    the errors to add to each response, and whether the operation is refused instead."""

    operation: OperationDefinitionNode | None
    errors: tuple[dict[str, Any], ...] = ()
    extensions: tuple[dict[str, Any], ...] = ()
    rejected: bool = False


class Authorizer:
    __slots__ = ("config", "requirements", "schema")

    def __init__(
        self, schema: GraphQLSchema, requirements: Requirements, config: AuthorizationConfig
    ) -> None:
        self.schema = schema
        self.requirements = requirements
        self.config = config

    @classmethod
    def of(cls, supergraph: Supergraph, config: AuthorizationConfig) -> Authorizer | None:
        requirements = Requirements.of(supergraph)
        if not requirements:
            return None
        if not config.enabled:
            log.warning(
                "authorization.directives.enabled is false: the supergraph's @authenticated, "
                "@requiresScopes and @policy are NOT enforced"
            )
            return None
        return cls(supergraph.api_schema, requirements, config)

    @property
    def has_policies(self) -> bool:
        return bool(self.requirements.policies)

    def needs(
        self, operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> OperationNeeds:
        return operation_needs(self.schema, self.requirements, operation, fragments)

    def access_for(
        self,
        needs: OperationNeeds,
        claims: Mapping[str, Any] | None,
        decisions: Mapping[str, Any] | None,
    ) -> Access:
        if not needs:
            return _ANONYMOUS
        authenticated = claims is not None and needs.authenticated
        scopes = needs.scopes & scopes_of(claims) if needs.scopes and claims else frozenset()
        policies: frozenset[str] = frozenset()
        if needs.policies and decisions:
            policies = frozenset(p for p in needs.policies if decisions.get(p) is True)
        return Access(authenticated, scopes, policies)

    def authorize(
        self,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        access: Access,
    ) -> Authorization:
        filtered = filter_operation(self.schema, self.requirements, operation, fragments, access)
        if not filtered.paths:
            return Authorization(operation)
        errors = tuple(_error(path) for path in filtered.paths)
        if self.config.log_errors:
            name = operation.name.value if operation.name else None
            shown = ", ".join("/".join(p) for p in filtered.paths)
            log.info("authorization removed from operation %r: %s", name, shown)
        if self.config.reject_unauthorized and not self.config.dry_run:
            return Authorization(None, errors, rejected=True)
        kept = operation if self.config.dry_run else filtered.operation
        return self._reported(kept, errors)

    def _reported(
        self, operation: OperationDefinitionNode | None, errors: tuple[dict[str, Any], ...]
    ) -> Authorization:
        response = self.config.response
        if response == "errors":
            return Authorization(operation, errors)
        if response == "extensions":
            return Authorization(operation, extensions=errors)
        return Authorization(operation)


def scopes_of(claims: Mapping[str, Any] | None) -> frozenset[str]:
    """The ``scope`` claim: OAuth2's space-separated string, or a list of strings."""
    if not claims:
        return frozenset()
    scope = claims.get("scope")
    if isinstance(scope, str):
        return frozenset(scope.split())
    if isinstance(scope, list):
        return frozenset(s for s in scope if isinstance(s, str))
    return frozenset()


def _error(path: tuple[str, ...]) -> dict[str, Any]:
    return {"message": _MESSAGE, "path": list(path), "extensions": {"code": UNAUTHORIZED_CODE}}
