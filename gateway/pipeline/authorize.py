"""Per request, the access that keys the plan cache (only where the supergraph has
authorization directives): the operation's needs (cached per document and operation name),
then the request's claims and policy decisions reduced to what those needs mention.

Claims come from the request context: a coprocessor or plugin that wrote
``apollo::authentication::jwt_claims`` into the context entries wins over the token's (Apollo's
claim augmentation); policy decisions come from ``apollo::authorization::required_policies``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from gateway.auth.authorizer import CLAIMS_KEY, POLICIES_KEY, Authorizer
from gateway.auth.filter import OperationNeeds
from gateway.auth.requirements import Access
from gateway.context import RequestContext
from gateway.execution.prepare import Rejected
from gateway.plugins.api import CONTEXT_ENTRIES

__all__ = ["AUTH_REQUIRED", "RequestAccess", "claims_of"]

AUTH_REQUIRED: dict[str, Any] = {
    "errors": [{"message": "unauthenticated request", "extensions": {"code": "AUTH_ERROR"}}]
}
NeedsOf = Callable[[str, str | None], OperationNeeds | Rejected]


class RequestAccess:
    __slots__ = ("_authorizer", "_cache", "_compute", "_size")

    def __init__(self, authorizer: Authorizer, compute: NeedsOf, size: int) -> None:
        self._authorizer = authorizer
        self._compute = compute
        self._size = size
        self._cache: OrderedDict[tuple[str, str | None], OperationNeeds | Rejected] = OrderedDict()

    def needs(self, query: str, operation_name: str | None) -> OperationNeeds | Rejected:
        key = (query, operation_name)
        needs = self._cache.get(key)
        if needs is not None:
            self._cache.move_to_end(key)
            return needs
        needs = self._compute(query, operation_name)
        if self._size > 0:
            self._cache[key] = needs
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return needs

    def of(
        self, query: str, operation_name: str | None, context: RequestContext | None
    ) -> Access | Rejected:
        needs = self.needs(query, operation_name)
        if isinstance(needs, Rejected):
            return needs
        if not needs:
            return Access()
        entries = context.scratch.get(CONTEXT_ENTRIES) if context is not None else None
        claims = claims_of(context, entries)
        decisions = entries.get(POLICIES_KEY) if entries else None
        if not isinstance(decisions, Mapping):
            decisions = None
        return self._authorizer.access_for(needs, claims, decisions)


def claims_of(
    context: RequestContext | None, entries: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    if entries and CLAIMS_KEY in entries:
        claims = entries[CLAIMS_KEY]
        return claims if isinstance(claims, Mapping) else None
    return context.claims if context is not None else None
