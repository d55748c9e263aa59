"""Features off by default are not even imported: a gateway without telemetry,
authentication, subscriptions or Redis does not load OpenTelemetry, prometheus-client, PyJWT,
redis-py or websockets (each costs memory and start-up time; the benchmark's peak RSS showed
+15 MB)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("opentelemetry", "prometheus_client", "jwt", "websockets", "botocore", "grpc", "redis")
SCRIPT = f"""
import sys
from gateway.server import create_app
from gateway.supergraph import load_supergraph
app = create_app(load_supergraph(open({str(ROOT / "schema" / "supergraph.graphql")!r}).read()))
print(",".join(sorted(m for m in {HEAVY!r} if m in sys.modules)))
"""


def test_a_default_gateway_loads_no_optional_feature_library() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "", out.stdout
