"""The request pipeline (no HTTP): ``front.py`` (parse → limits → validate → authorize → plan,
once per distinct operation) and ``gateway.py`` (the cache, the operation and plan hooks, and
coerce variables → execute → shape → respond per request)."""

from .front import FRONT_STAGES, FrontSettings, prepare_operation
from .gateway import Gateway, GatewayResponse, PlannerLike, ResponseKind, SupergraphLike

__all__ = [
    "FRONT_STAGES",
    "FrontSettings",
    "Gateway",
    "GatewayResponse",
    "PlannerLike",
    "ResponseKind",
    "SupergraphLike",
    "prepare_operation",
]
