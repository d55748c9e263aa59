"""``Gateway.responses``'s async generator, kept apart so gateway.py can be compiled.

mypyc (docs/compiled.md) refuses async generators; this small module stays interpreted and
``Gateway.responses`` returns the generator made here, so the public API is unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .gateway import Gateway, GatewayResponse


async def response_parts(
    gateway: Gateway,
    query: str,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
    options: dict[str, Any],
) -> AsyncGenerator[GatewayResponse, None]:
    """The response as a stream of parts (several for an operation with @defer)."""
    response = await gateway.run(query, variables, operation_name, **options)
    yield response
    if response.rest is not None:
        from .gateway import GatewayResponse  # a cycle: gateway.py imports this module

        async for body in response.rest:
            yield GatewayResponse(body)
