"""The strawberry federation schema class every service uses."""

from typing import Any

from graphql import GraphQLError
from strawberry import federation
from strawberry.types.execution import ExecutionContext

from .sdl import FEDERATION_VERSION


def is_client_error(error: GraphQLError) -> bool:
    """An error a resolver raised on purpose for the client (it carries ``extensions.code``),
    as opposed to a bug or an invalid document."""
    return bool(error.extensions and "code" in error.extensions)


class SubgraphSchema(federation.Schema):
    """A Federation 2 schema linking :data:`FEDERATION_VERSION`.

    Deliberate client errors (``placeOrder``'s INSUFFICIENT_STOCK and the like) are part
    of the API, not failures of the service, so they are not logged with a traceback;
    everything else is logged by strawberry as usual.
    """

    def __init__(self, query: type, mutation: type | None = None, **kwargs: Any) -> None:
        super().__init__(
            query=query, mutation=mutation, federation_version=FEDERATION_VERSION, **kwargs
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        super().process_errors(
            [error for error in errors if not is_client_error(error)], execution_context
        )
