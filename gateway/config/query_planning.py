"""Apollo Router's ``supergraph.query_planning``: of its keys fedgate has
``warmed_up_queries``, the number of most recently used operations planned again on a new
supergraph before a hot reload switches to it, so the reload does not empty the plan cache
under load. Apollo's default, a third of the plan cache (``fedgate.operation_cache_size``),
is fedgate's too; ``0`` turns warming off. It costs nothing per request: the operation cache
already keeps its entries in the order of use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .schema import Int, Obj, Unsupported
from .shared_state import PLANS_REDIS

__all__ = [
    "APOLLO_QUERY_PLANNING",
    "QUERY_PLANNING",
    "QueryPlanningConfig",
    "query_planning_config",
]

_CACHE = Unsupported("query plan cache settings (fedgate.operation_cache_size sizes it)")
# shared state: the plan cache's Redis tier (gateway/config/shared_state.py, docs/redis.md)
_PLAN_CACHE = Obj(
    {
        "in_memory": Unsupported("in_memory.limit (fedgate.operation_cache_size sizes it)"),
        "redis": PLANS_REDIS,
    },
    "the query plan cache: in memory, and in Redis when redis is set",
)
QUERY_PLANNING = Obj(
    {
        "warmed_up_queries": Int(
            "operations planned on a new supergraph before a reload switches (default: a "
            "third of the plan cache; 0: none)",
            minimum=0,
        ),
        "cache": _PLAN_CACHE,
        "experimental_cache": _CACHE,
        "experimental_reuse_query_plans": Unsupported("reusing plans across schemas"),
        "experimental_plans_limit": Unsupported("planner plan limits"),
        "experimental_paths_limit": Unsupported("planner path limits"),
    },
    "query planner settings",
)


@dataclass(frozen=True, slots=True)
class QueryPlanningConfig:
    """``warmed_up_queries``: ``None`` for Apollo's default (a third of the plan cache)."""

    warmed_up_queries: int | None = None

    def warm_count(self, cache_size: int) -> int:
        if self.warmed_up_queries is None:
            return cache_size // 3
        return min(self.warmed_up_queries, cache_size)


APOLLO_QUERY_PLANNING = QueryPlanningConfig()


def query_planning_config(raw: dict[str, Any]) -> QueryPlanningConfig:
    return QueryPlanningConfig(raw.get("warmed_up_queries"))
