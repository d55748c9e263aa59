"""@defer plans: each deferred fragment's fetches in a block of its own, keyed on what the
enclosing part fetched, so that the enclosing part never waits for them.

Checked against Apollo's query planner as Apollo Router runs it (``incrementalDelivery:
{enableDefer: true}``; its plans are recorded in ``defer_reference/`` by
``python -m tests.planner.defer_cases``): for every case, the same fetches (subgraph and
flatten path) in the same parts (primary, or the deferred block of a path and label, nested
as the @defers are), and deferred blocks without a fetch where Apollo has them (a value type
without a key: the fields come with the enclosing part). Apollo Router's defer docs:
https://www.apollographql.com/docs/graphos/routing/operations/defer ("the router takes
advantage of your supergraph's existing entities to fetch any deferred field data via
followup queries to your subgraphs"); the first case is its own test sample
(apollo-router/tests/samples/core/defer: ``{ me { name ... @defer { reviews { body } } } }``).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from graphql import parse, validate

from gateway.planner import Planner, format_plan
from gateway.planner.defer_plan import whole
from gateway.planner.nodes import seq
from gateway.planner.plan import Fetch

from .defer_cases import CASES, REFERENCE, shop
from .harness import expected

_DEFERRED = re.compile(
    r'^(\s*)Deferred\(depends: \[[^\]]*\], path: "([^"]*)"(?:, label: "([^"]*)")?'
)
_FETCH = re.compile(r'^(\s*)Fetch\(service: "([^"]+)"')
_FLATTEN = re.compile(r'^(\s*)Flatten\(path: "([^"]*)"\)')

Section = tuple[tuple[str, str | None], ...]


def summary(text: str) -> tuple[Counter[tuple[Section, str, str]], Counter[Section]]:
    """(fetches as (deferred block chain, subgraph, flatten path), the deferred blocks) of a
    plan printed in Apollo's format; blocks nest by indentation, in both printers."""
    fetches: Counter[tuple[Section, str, str]] = Counter()
    blocks: Counter[Section] = Counter()
    open_blocks: list[tuple[int, tuple[str, str | None]]] = []
    open_flattens: list[tuple[int, str]] = []
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        open_blocks = [(i, b) for i, b in open_blocks if i < indent]
        open_flattens = [(i, p) for i, p in open_flattens if i < indent]
        if m := _DEFERRED.match(line):
            open_blocks.append((indent, (m.group(2), m.group(3))))
            blocks[tuple(b for _, b in open_blocks)] += 1
        elif m := _FLATTEN.match(line):
            open_flattens.append((indent, m.group(2)))
        elif m := _FETCH.match(line):
            chain = tuple(b for _, b in open_blocks)
            path = open_flattens[-1][1] if open_flattens else ""
            fetches[chain, m.group(2), path] += 1
    return fetches, blocks


def defer_plan(query: str) -> str:
    sg = shop()
    document = parse(query)
    assert not validate(sg.api_schema, document)
    return format_plan(Planner(sg, defer=True).plan(document))


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_fetches_in_the_same_parts_as_apollo(case: str) -> None:
    ours = summary(defer_plan(CASES[case]))
    apollo = summary((REFERENCE / f"{case}.txt").read_text())
    assert ours == apollo


def test_entity_boundary_plan() -> None:
    """Apollo Router's sample: the primary fetch gets the key, the deferred one is keyed on
    it (Apollo's plan: ``Fetch(service: "accounts") { { me { __typename name id } } }``,
    then ``Deferred(depends: [0], path: "me") { ... Flatten(path: "me") { Fetch(service:
    "reviews") ... } }``)."""
    assert defer_plan(CASES["entity_boundary"]) == expected(
        """
        QueryPlan {
          Defer {
            Primary {
              Fetch(service: "accounts") {
                {
                  me {
                    __typename
                    id
                    name
                  }
                }
              },
            }, [
              Deferred(depends: [0], path: "me") {
                { reviews { body } }:
                Flatten(path: "me") {
                  Fetch(service: "reviews") {
                    {
                      ... on User {
                        __typename
                        id
                      }
                    } =>
                    {
                      ... on User {
                        reviews {
                          body
                        }
                      }
                    }
                  },
                },
              },
            ]
          },
        }
        """
    )


def test_value_type_defer_has_no_fetch_of_its_own() -> None:
    sg = shop()
    plan = Planner(sg, defer=True).plan(parse(CASES["value_type"]))
    [block] = plan.deferred
    assert block.node is None and block.path == ("topProducts", "@", "dimensions")
    assert isinstance(plan.node, Fetch) and "weight" in plan.node.operation


def test_defer_if_variable_is_a_condition_on_the_block() -> None:
    sg = shop()
    query = (
        'query($d: Boolean!) { me { name ... @defer(if: $d, label: "x") { reviews { body } } } }'
    )
    plan = Planner(sg, defer=True).plan(parse(query))
    [block] = plan.deferred
    assert (block.condition, block.label, block.parent) == ("d", "x", None)
    assert "if: $d" in format_plan(plan)


def test_defer_if_false_is_no_defer() -> None:
    sg = shop()
    query = "{ me { name ... @defer(if: false) { reviews { body } } } }"
    assert Planner(sg, defer=True).plan(parse(query)) == Planner(sg).plan(parse(query))


def test_without_defer_support_the_plan_has_no_blocks() -> None:
    sg = shop()
    plan = Planner(sg).plan(parse(CASES["nested"]))
    assert plan.deferred == ()


def test_whole_plan_runs_every_block_after_its_enclosing_part() -> None:
    sg = shop()
    plan = Planner(sg, defer=True).plan(parse(CASES["nested"]))
    outer, inner = plan.deferred
    assert inner.parent == outer.index
    assert whole(plan).node == seq([plan.node, outer.node, inner.node])
