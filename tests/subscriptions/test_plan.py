"""Subscription plans: the subgraph stream's fetch and the entity fetches that complete each
event, printed in Apollo's ``Subscription { Primary, Rest }`` form and its JSON."""

from __future__ import annotations

import pytest
from graphql import parse

from gateway.errors import PlanningError
from gateway.execution import TypeMatcher
from gateway.planner import Planner
from gateway.planner.format import format_plan
from gateway.planner.plan_json import plan_to_json
from gateway.subscriptions.plan import split_plan
from gateway.supergraph import load_supergraph

from .harness import supergraph

SUPERGRAPH = load_supergraph(supergraph("http://feed", "http://catalog"))
EXPECTED = """\
QueryPlan {
  Subscription {
    Primary: {
      Fetch(service: "feed") {
        {
          ticks(count: 2) {
            n
            items {
              __typename
              id
            }
          }
        }
      },
    },
    Rest: {
      Flatten(path: "ticks.items.@") {
        Fetch(service: "catalog") {
          {
            ... on Item {
              __typename
              id
            }
          } =>
          {
            ... on Item {
              name
            }
          }
        },
      },
    },
  },
}"""


def _plan(query: str) -> object:
    return Planner(SUPERGRAPH).plan(parse(query))


def test_plan_text_and_json() -> None:
    plan = Planner(SUPERGRAPH).plan(parse("subscription { ticks(count: 2) { n items { name } } }"))
    assert format_plan(plan) == EXPECTED
    node = plan_to_json(plan)["node"]
    assert node["kind"] == "Subscription"
    assert node["primary"]["operationKind"] == "subscription"
    assert node["primary"]["operation"].startswith("subscription{ticks(count: 2)")
    assert node["rest"]["kind"] == "Flatten"
    split = split_plan(plan, SUPERGRAPH.api_schema, {}, TypeMatcher(SUPERGRAPH.api_schema))
    assert split.primary.service == "feed" and split.rest is not None


def test_a_subscription_served_by_one_subgraph_has_no_rest() -> None:
    plan = Planner(SUPERGRAPH).plan(parse("subscription { ticks(count: 2) { n items { id } } }"))
    split = split_plan(plan, SUPERGRAPH.api_schema, {}, TypeMatcher(SUPERGRAPH.api_schema))
    assert split.rest is None
    assert "Rest" not in format_plan(plan)


def test_a_conditional_root_field_is_refused_with_a_code() -> None:
    query = "subscription($on: Boolean!) { ticks(count: 2) @include(if: $on) { n } }"
    plan = Planner(SUPERGRAPH).plan(parse(query))
    with pytest.raises(PlanningError) as caught:
        split_plan(plan, SUPERGRAPH.api_schema, {}, TypeMatcher(SUPERGRAPH.api_schema))
    assert caught.value.code == "SUBSCRIPTION_PLAN_UNSUPPORTED"
