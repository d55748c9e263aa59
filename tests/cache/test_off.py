"""Off by default, and free when off: a gateway without ``preview_entity_cache`` does not
import the cache, and its subgraph calls are the plain ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gateway.execution.subgraph_call import call_subgraph
from gateway.pipeline import Gateway
from gateway.supergraph import load_supergraph
from gateway.transport.local import LocalClient

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
SCRIPT = f"""
import sys
from gateway.server import create_app
from gateway.supergraph import load_supergraph
app = create_app(load_supergraph(open({str(SUPERGRAPH)!r}).read()))
print("gateway.cache" in sys.modules)
"""


def test_a_default_app_does_not_import_the_cache() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


def test_a_default_gateway_calls_subgraphs_directly() -> None:
    gateway = Gateway(load_supergraph(SUPERGRAPH.read_text()), LocalClient({}))
    assert gateway.entity_cache is None
    assert gateway._call is call_subgraph
