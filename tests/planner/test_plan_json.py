"""Plans as Apollo-shaped JSON."""

from __future__ import annotations

from gateway.planner.plan import (
    Condition,
    Fetch,
    Flatten,
    KeyRenamer,
    Parallel,
    QueryPlan,
    ReqField,
    ReqFragment,
    Sequence,
    ValueSetter,
)
from gateway.planner.plan_json import plan_to_json


def test_every_node_kind() -> None:
    entity = Fetch(
        "b",
        "query($representations:[_Any!]!){_entities(representations:$representations){...on T{x}}}",
        requires=(ReqFragment("T", (ReqField("__typename", "__typename"), ReqField("id", "k"))),),
        input_rewrites=(ValueSetter(("... on T", "__typename"), "I"),),
        output_rewrites=(KeyRenamer(("... on T", "x_0"), "x"),),
        id=3,
    )
    plan = QueryPlan(
        Condition(
            "v",
            Sequence((Fetch("a", "{t{__typename id}}"), Parallel((Flatten(("t", "@"), entity),)))),
            None,
        )
    )
    fetch_json = {
        "kind": "Fetch",
        "serviceName": "b",
        "variableUsages": [],
        "operation": entity.operation,
        "operationKind": "query",
        "requires": [
            {
                "kind": "InlineFragment",
                "typeCondition": "T",
                "selections": [
                    {"kind": "Field", "name": "__typename"},
                    {"kind": "Field", "name": "id", "alias": "k"},
                ],
            }
        ],
        "inputRewrites": [
            {"kind": "ValueSetter", "path": ["... on T", "__typename"], "setValueTo": "I"}
        ],
        "outputRewrites": [{"kind": "KeyRenamer", "path": ["... on T", "x_0"], "renameKeyTo": "x"}],
        "id": "3",
    }
    assert plan_to_json(plan) == {
        "kind": "QueryPlan",
        "node": {
            "kind": "Condition",
            "condition": "v",
            "ifClause": {
                "kind": "Sequence",
                "nodes": [
                    {
                        "kind": "Fetch",
                        "serviceName": "a",
                        "variableUsages": [],
                        "operation": "{t{__typename id}}",
                        "operationKind": "query",
                    },
                    {
                        "kind": "Parallel",
                        "nodes": [{"kind": "Flatten", "path": ["t", "@"], "node": fetch_json}],
                    },
                ],
            },
        },
    }
    assert plan_to_json(QueryPlan(None)) == {"kind": "QueryPlan"}
