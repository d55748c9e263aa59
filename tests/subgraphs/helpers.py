"""Helpers for the example graph's tests."""

from typing import Any

from strawberry.types import ExecutionResult

from subgraphs.common.db import Database
from subgraphs.common.service import ServiceDefinition
from subgraphs.services import SERVICES


async def execute(
    service: ServiceDefinition[Any],
    db: Database,
    query: str,
    variables: dict[str, Any] | None = None,
) -> ExecutionResult:
    """Run one GraphQL request against ``service`` in-process, with fresh loaders."""
    return await service.schema.execute(
        query, variable_values=variables, context_value=service.new_context(db)
    )


async def data_of(
    service: str, db: Database, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``execute`` and return ``data``, failing the test on any error."""
    result = await execute(SERVICES[service], db, query, variables)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data
