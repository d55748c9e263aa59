"""A large generated supergraph, for planner scale: 10 subgraphs, 300 types, an interface
``Node`` with 80 implementations spread over the subgraphs, entity keys everywhere, and a
query that touches every implementation.

    python bench/generated.py            # start-up and planning times, plan size, peak memory
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphql import parse, validate  # noqa: E402

from gateway.planner import Planner  # noqa: E402
from gateway.supergraph import load_supergraph  # noqa: E402

GRAPHS = [f"s{i}" for i in range(10)]
IMPLEMENTATIONS = 80
TYPES = 300

HEADER = """schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
{
  query: Query
}

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet,
  type: String, external: Boolean, override: String, usedOverridden: Boolean)
  repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!)
  repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
  repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import])
  repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
"""


def supergraph_sdl() -> str:
    out = [HEADER, "enum join__Graph {"]
    out += [f'  {g.upper()} @join__graph(name: "{g}", url: "http://{g}/graphql")' for g in GRAPHS]
    out.append("}")
    # Node: an entity interface known to every subgraph (each knows its own implementations)
    node_joins = " ".join(f'@join__type(graph: {g.upper()}, key: "id")' for g in GRAPHS)
    out.append(f"interface Node {node_joins} {{ id: ID! }}")
    out.append("type Query @join__type(graph: S0) { nodes: [Node] @join__field(graph: S0) }")
    for i in range(IMPLEMENTATIONS):
        home = GRAPHS[i % len(GRAPHS)]
        extra = GRAPHS[(i + 1) % len(GRAPHS)]
        impl = " ".join(
            f'@join__implements(graph: {g}, interface: "Node")'
            for g in dict.fromkeys(("S0", home.upper()))
        )
        out.append(
            f"type T{i} implements Node {impl} "
            f'@join__type(graph: S0, key: "id") @join__type(graph: {home.upper()}, key: "id") '
            f'@join__type(graph: {extra.upper()}, key: "id") {{\n'
            f"  id: ID!\n"
            f"  name{i}: String @join__field(graph: {home.upper()})\n"
            f"  more{i}: V{i} @join__field(graph: {extra.upper()})\n"
            "}"
        )
    for i in range(TYPES - IMPLEMENTATIONS - 2):
        if i < IMPLEMENTATIONS:
            g = GRAPHS[(i + 1) % len(GRAPHS)].upper()
            out.append(f"type V{i} @join__type(graph: {g}) {{ a: Int b: String }}")
        else:
            g = GRAPHS[i % len(GRAPHS)].upper()
            out.append(f"type Filler{i} @join__type(graph: {g}) {{ a: Int }}")
    return "\n".join(out) + "\n"


def query() -> str:
    parts = [f"... on T{i} {{ name{i} more{i} {{ a b }} }}" for i in range(IMPLEMENTATIONS)]
    return "{ nodes { id " + " ".join(parts) + " } }"


def main() -> None:
    tracemalloc.start()
    sdl = supergraph_sdl()
    t0 = time.perf_counter()
    sg = load_supergraph(sdl)
    t1 = time.perf_counter()
    document = parse(query())
    assert not validate(sg.api_schema, document)
    planner = Planner(sg)
    t2 = time.perf_counter()
    plan = planner.plan(document)
    t3 = time.perf_counter()
    peak = tracemalloc.get_traced_memory()[1]
    fetches = repr(plan).count("Fetch(service=")
    print(f"types: {len(sg.types)}, subgraphs: {len(sg.graphs)}")
    print(f"load supergraph: {1000 * (t1 - t0):.0f} ms; plan (cold): {1000 * (t3 - t2):.0f} ms")
    print(f"fetches in the plan: {fetches}; peak traced memory: {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
