"""Golden plan tests: subgraph SDLs inline → supergraph → plan text.

The supergraph of each test is composed by Apollo's composition (``scripts/apollo_compose.mjs``)
and kept in ``supergraphs/`` under a hash of the inputs, so the tests need no Node to run and
test the runtime on supergraphs made by the reference composer. A new or changed test composes
its supergraph once, on a machine where ``../shared/bench`` is set up.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

from graphql import parse, validate

from gateway.planner import Planner, format_plan
from gateway.supergraph import Supergraph, load_supergraph

from .modes import check_modes

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
FIXTURES = HERE / "supergraphs"
NODE_MODULES = ROOT.parent / "shared" / "bench" / "node_modules"

_cache: dict[str, Supergraph] = {}


def supergraph(**subgraphs: str) -> Supergraph:
    sdls = {name: textwrap.dedent(sdl).strip() + "\n" for name, sdl in subgraphs.items()}
    key = hashlib.sha256(json.dumps(sdls, sort_keys=True).encode()).hexdigest()[:16]
    if key not in _cache:
        path = FIXTURES / f"{key}.graphql"
        if not path.exists():
            path.write_text(_compose(sdls))
        _cache[key] = load_supergraph(path.read_text(), source=str(path))
    return _cache[key]


def _compose(sdls: dict[str, str]) -> str:
    node = shutil.which("node")
    if node is None or not NODE_MODULES.is_dir():
        raise RuntimeError(
            "this test's supergraph fixture is missing; compose it once with Node and "
            "../shared/bench set up (./setup.sh)"
        )
    env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
    done = subprocess.run(
        [node, str(ROOT / "scripts" / "apollo_compose.mjs")],
        input=json.dumps(sdls),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"composition failed:\n{done.stderr}")
    return done.stdout


def plan(sg: Supergraph, query: str, operation_name: str | None = None) -> str:
    """The plan text; on the way, the batch-mode plan must fetch the same and both plans,
    executed on generated subgraphs, must answer the same (``modes.py``)."""
    document = parse(query)
    errors = validate(sg.api_schema, document)
    assert not errors, errors
    text = format_plan(Planner(sg).plan(document, operation_name))
    check_modes(sg, document, operation_name)
    return text


def expected(text: str) -> str:
    return textwrap.dedent(text).strip()


_HEADER = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
{{
  query: Query
}}

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
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
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import])
  repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose {{ SECURITY EXECUTION }}
enum join__Graph {{
{graphs}
}}
"""


def raw_supergraph(graphs: list[str], body: str) -> Supergraph:
    """A hand-written supergraph (for shapes a composer would reject, as others may emit)."""
    enum = "\n".join(
        f'  {g.upper()} @join__graph(name: "{g}", url: "http://{g}.example/graphql")'
        for g in graphs
    )
    return load_supergraph(_HEADER.format(graphs=enum) + textwrap.dedent(body))
