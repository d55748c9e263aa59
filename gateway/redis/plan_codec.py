"""Query plans (``gateway/planner/plan.py``) as versioned JSON, for the plan cache's Redis tier.

Never pickle: what comes back from Redis is data, decoded into the plan's own frozen node
types only (a closed list, checked field by field), and anything unexpected is a miss, not an
exception. A plan is small (strings, tuples, ints), so JSON is cheap: the heavy benchmark
query's plan encodes in well under a millisecond, far below its planning time.

Format: ``{"v": VERSION, "plan": <node>}``; a node is ``{"@": "<Type>", <field>: <value>}``,
tuples are JSON arrays. Bump ``VERSION`` when a node type changes shape (the planner
version in the cache key changes too, so old entries are never read, but a bump is cheaper
to reason about).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from gateway.planner import plan as nodes
from gateway.planner.plan import QueryPlan

__all__ = ["VERSION", "decode_plan", "encode_plan"]

VERSION = 1
_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        nodes.QueryPlan,
        nodes.Fetch,
        nodes.Flatten,
        nodes.BatchFetch,
        nodes.Sequence,
        nodes.Parallel,
        nodes.Condition,
        nodes.ReqField,
        nodes.ReqFragment,
        nodes.ValueSetter,
        nodes.KeyRenamer,
        nodes.DeferredBlock,
    )
}
_FIELDS = {name: {f.name for f in dataclasses.fields(cls)} for name, cls in _TYPES.items()}


class _Bad(Exception):
    pass


def encode_plan(plan: QueryPlan) -> bytes:
    return orjson.dumps({"v": VERSION, "plan": _encode(plan)})


def decode_plan(raw: bytes) -> QueryPlan | None:
    """The plan, or None when ``raw`` is not a plan of this version (a miss)."""
    try:
        data = orjson.loads(raw)
        if not isinstance(data, dict) or data.get("v") != VERSION:
            return None
        plan = _decode(data.get("plan"))
    except (orjson.JSONDecodeError, _Bad, TypeError, ValueError, RecursionError):
        return None
    return plan if isinstance(plan, QueryPlan) else None


def _encode(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if name not in _TYPES:
            raise TypeError(f"not a plan node: {name}")
        out: dict[str, Any] = {"@": name}
        for f in dataclasses.fields(value):
            out[f.name] = _encode(getattr(value, f.name))
        return out
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"unexpected value in a plan: {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        name = value.get("@")
        cls = _TYPES.get(name) if isinstance(name, str) else None
        if cls is None or not isinstance(name, str):
            raise _Bad(f"unknown node {name!r}")
        fields = {k: _decode(v) for k, v in value.items() if k != "@"}
        if not set(fields) <= _FIELDS[name]:
            raise _Bad(f"unknown fields of {name}")
        return cls(**fields)  # a missing required field: TypeError, a miss
    if value is None or isinstance(value, str | int | bool):
        return value
    raise _Bad(f"unexpected value {type(value).__name__}")
