"""Features off by default are not even imported: a gateway without telemetry,
authentication, subscriptions or Redis does not load OpenTelemetry, prometheus-client, PyJWT,
redis-py or websockets (each costs memory and start-up time; the benchmark's peak RSS showed
+15 MB)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# events: nats-py, redis and gateway.events load only where the supergraph has broker fields;
# redis only where a Redis block is configured too
HEAVY: tuple[str, ...] = ("opentelemetry", "prometheus_client", "jwt", "websockets", "botocore")
HEAVY = (*HEAVY, "grpc", "nats", "redis", "gateway.events")
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


EVENTS_SCRIPT = """
import sys
from gateway.config import load_config
from gateway.server import create_app
from gateway.supergraph import load_supergraph
from tests.events.brokers import events_supergraph
config = load_config(sys.argv[1], environ={{}})
app = create_app(load_supergraph(events_supergraph("http://127.0.0.1:1")), config=config)
print(",".join(sorted(m for m in ("nats", "redis") if m in sys.modules)))
print("gateway.events.bind" in sys.modules)
"""


def test_broker_clients_load_at_their_first_use_not_with_the_config(tmp_path: Path) -> None:
    """events: a supergraph with broker-fed fields and both providers configured loads the
    events package but neither nats-py nor redis until a subscription or publish uses them."""
    router = tmp_path / "router.yaml"
    router.write_text(
        "subscription: {enabled: true}\nfedgate:\n  events:\n    providers:\n"
        "      nats: [{id: default, url: 'nats://127.0.0.1:1'}]\n"
        "      redis: [{id: cache, urls: ['redis://127.0.0.1:1']}]\n"
    )
    argv = [sys.executable, "-c", EVENTS_SCRIPT.format(), str(router)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split("\n")[:2] == ["", "True"], out.stdout
