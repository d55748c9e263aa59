"""A self-referencing field (``boss: Person`` on a ``Person``) whose subgraph types differ per
implementation (``Person`` here, ``Person!`` there) is fetched under internal aliases at every
level it conflicts; the renames back run innermost first, so that each one's path still exists
(the outer alias is renamed after the fields inside it). Executed in
``tests/execution/test_nested_renames_exec.py``."""

from __future__ import annotations

from gateway.planner.plan import KeyRenamer

from .harness import expected, plan, supergraph
from .test_type_conflicts import renames

STAFF = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Query { people: [Person] }
interface Person { id: ID! }
type Staff implements Person @key(fields: "id") { id: ID! boss: Person }
type Guest implements Person @key(fields: "id") { id: ID! boss: Person! @shareable }
"""
GUESTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
interface Person { id: ID! }
type Staff implements Person @key(fields: "id") { id: ID! rank: Int }
type Guest implements Person @key(fields: "id") { id: ID! boss: Person @shareable }
"""
BOSS = "boss { id ... on Staff { boss { id } } ... on Guest { boss { id } } }"
QUERY = f"{{ people {{ ... on Staff {{ {BOSS} }} ... on Guest {{ {BOSS} }} }} }}"
GUEST = ("people", "... on Guest")


def test_conflicting_self_reference_renamed_innermost_first() -> None:
    sg = supergraph(staff=STAFF, guests=GUESTS)
    inner = (*GUEST, "boss__fedgate_1", "... on Guest", "boss__fedgate_2")
    assert renames(sg, QUERY) == [
        ("staff", KeyRenamer(inner, "boss")),
        ("staff", KeyRenamer((*GUEST, "boss__fedgate_1"), "boss")),
        (
            "staff",
            KeyRenamer(
                ("people", "... on Staff", "boss", "... on Guest", "boss__fedgate_0"), "boss"
            ),
        ),
    ]
    assert plan(sg, QUERY) == expected(
        """
        QueryPlan {
          Fetch(service: "staff") {
            {
              people {
                __typename
                ... on Staff {
                  boss {
                    __typename
                    id
                    ... on Staff {
                      boss {
                        __typename
                        id
                      }
                    }
                    ... on Guest {
                      boss__fedgate_0: boss {
                        __typename
                        id
                      }
                    }
                  }
                }
                ... on Guest {
                  boss__fedgate_1: boss {
                    __typename
                    id
                    ... on Staff {
                      boss {
                        __typename
                        id
                      }
                    }
                    ... on Guest {
                      boss__fedgate_2: boss {
                        __typename
                        id
                      }
                    }
                  }
                }
              }
            }
          },
        }
        """
    )
