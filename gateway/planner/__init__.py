"""Query planning: operation + supergraph → query plan (see ``plan.py`` for the plan nodes)."""

from .format import format_plan
from .plan import QueryPlan
from .plan_json import plan_to_json
from .planner import Planner

__all__ = ["Planner", "QueryPlan", "format_plan", "plan_to_json"]
