"""A query plan as JSON in the shape Apollo's gateways expose (``apolloQueryPlan.object``),
so tools that read Apollo Router plans can read ours."""

from __future__ import annotations

from typing import Any, assert_never

from .defer_format import defer_json
from .format import subscription_parts
from .plan import (
    BatchFetch,
    Condition,
    Fetch,
    FetchRewrite,
    Flatten,
    KeyRenamer,
    Parallel,
    PlanNode,
    QueryPlan,
    ReqField,
    ReqFragment,
    ReqSelection,
    Sequence,
    ValueSetter,
)

__all__ = ["plan_to_json"]


def plan_to_json(plan: QueryPlan) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "QueryPlan"}
    if plan.deferred:
        out["node"] = defer_json(plan, _node)  # @defer (defer_format.py)
        return out
    if plan.node is not None:
        split = subscription_parts(plan.node)
        if split is None:
            out["node"] = _node(plan.node)
        else:
            # Apollo's SubscriptionNode: the subgraph stream, then what completes each event
            primary, rest = split
            node: dict[str, Any] = {"kind": "Subscription", "primary": _fetch(primary)}
            if rest is not None:
                node["rest"] = _node(rest)
            out["node"] = node
    return out


def _node(node: PlanNode) -> dict[str, Any]:
    match node:
        case Fetch():
            return _fetch(node)
        case Flatten(path=path, node=inner):
            return {"kind": "Flatten", "path": list(path), "node": _node(inner)}
        case BatchFetch(service=service, operation=operation, entries=entries):
            return {
                "kind": "BatchFetch",
                "serviceName": service,
                "operation": operation,
                "variableUsages": list(node.variable_usages),
                "entries": [_node(e) for e in entries],
            }
        case Sequence(nodes=nodes):
            return {"kind": "Sequence", "nodes": [_node(n) for n in nodes]}
        case Parallel(nodes=nodes):
            return {"kind": "Parallel", "nodes": [_node(n) for n in nodes]}
        case Condition(condition=var, if_clause=then, else_clause=otherwise):
            out: dict[str, Any] = {"kind": "Condition", "condition": var}
            if then is not None:
                out["ifClause"] = _node(then)
            if otherwise is not None:
                out["elseClause"] = _node(otherwise)
            return out
        case _:
            assert_never(node)


def _fetch(node: Fetch) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": "Fetch",
        "serviceName": node.service,
        "variableUsages": list(node.variable_usages),
        "operation": node.operation,
        "operationKind": node.operation_kind,
    }
    if node.requires is not None:
        out["requires"] = [_selection(s) for s in node.requires]
    if node.input_rewrites:
        out["inputRewrites"] = [_rewrite(r) for r in node.input_rewrites]
    if node.output_rewrites:
        out["outputRewrites"] = [_rewrite(r) for r in node.output_rewrites]
    if node.context_rewrites:
        out["contextRewrites"] = [_rewrite(r) for r in node.context_rewrites]
        out["variableUsages"] += [v for v, _ in node.context_variables]
    if node.id is not None:
        out["id"] = str(node.id)
    return out


def _selection(sel: ReqSelection) -> dict[str, Any]:
    match sel:
        case ReqField(name=name, response_key=key, selections=sub):
            out: dict[str, Any] = {"kind": "Field", "name": name}
            if key != name:
                out["alias"] = key
            if sub:
                out["selections"] = [_selection(s) for s in sub]
            return out
        case ReqFragment(type_condition=cond, selections=sub):
            return {
                "kind": "InlineFragment",
                "typeCondition": cond,
                "selections": [_selection(s) for s in sub],
            }
        case _:
            assert_never(sel)


def _rewrite(rw: FetchRewrite) -> dict[str, Any]:
    match rw:
        case ValueSetter(path=path, set_value_to=value):
            return {"kind": "ValueSetter", "path": list(path), "setValueTo": value}
        case KeyRenamer(path=path, rename_key_to=key):
            return {"kind": "KeyRenamer", "path": list(path), "renameKeyTo": key}
        case _:
            assert_never(rw)
