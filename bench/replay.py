"""Measure the gateway alone: replay recorded subgraph responses, no network, no Node.

    python bench/replay.py record   # once, with ../shared/bench's subgraphs running on :4200
    python bench/replay.py run [--seconds 10] [--profile out.txt]
    python bench/replay.py run --metrics --tracing http://127.0.0.1:4318   # telemetry's cost
    python bench/replay.py run --entity-cache [--redis redis://127.0.0.1:6379]  # warm cache

``record`` runs the heavy query through the gateway against the real subgraphs and stores every
subgraph request body with its response in ``bench/recordings/heavy.json``. ``run`` executes
the heavy query in a loop through ``Gateway`` with a client that answers from the recording
(an unknown request is an error: the plan changed, record again), and prints requests per
second of gateway CPU: planning is cached, so this is execution, merging and shaping.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.config import GatewayConfig  # noqa: E402
from gateway.config.entity_cache import entity_cache_config  # noqa: E402
from gateway.config.source import Source  # noqa: E402
from gateway.config.telemetry import (  # noqa: E402
    BatchProcessor,
    MetricsConfig,
    OtlpConfig,
    TelemetryConfig,
    TracingConfig,
)
from gateway.pipeline import Gateway  # noqa: E402
from gateway.supergraph import load_supergraph  # noqa: E402
from gateway.telemetry import Telemetry  # noqa: E402
from gateway.transport.base import (  # noqa: E402
    SubgraphClient,
    SubgraphRequest,
    SubgraphResponse,
)
from gateway.transport.http import HttpClient  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
RECORDING = ROOT / "bench" / "recordings" / "heavy.json"


class Recorder:
    def __init__(self, inner: HttpClient) -> None:
        self.inner = inner
        self.seen: dict[str, str] = {}

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        body = request.body_bytes()
        response = await self.inner.fetch(request)
        key = request.subgraph + "\n" + body.decode()
        self.seen[key] = base64.b64encode(response.body).decode()
        return response


class Replayer:
    def __init__(self, recording: dict[str, str]) -> None:
        self.answers = {k: base64.b64decode(v) for k, v in recording.items()}
        self.calls = 0

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        self.calls += 1
        key = request.subgraph + "\n" + request.body_bytes().decode()
        body = self.answers.get(key)
        if body is None:
            raise SystemExit(f"no recorded answer for a {request.subgraph} request: record again")
        return SubgraphResponse(request.subgraph, 200, body)


def _gateway(
    client: SubgraphClient, telemetry: Telemetry | None = None, config: GatewayConfig | None = None
) -> tuple[Gateway, str]:
    supergraph = load_supergraph((FIXTURES / "bench_supergraph.graphql").read_text())
    if telemetry is not None:
        client = telemetry.wrap_client(client)
    gateway = Gateway(supergraph, client, config, telemetry=telemetry)
    return gateway, (FIXTURES / "heavy.graphql").read_text()


def _telemetry(tracing: str | None, metrics: bool, ratio: float = 1.0) -> Telemetry | None:
    """Traces at 100 % sampling to an OTLP/HTTP endpoint, and/or Prometheus metrics."""
    if tracing is None and not metrics:
        return None
    traces = None
    if tracing is not None:
        otlp = OtlpConfig(tracing, "http", batch_processor=BatchProcessor(1.0))
        traces = TracingConfig(otlp, sampler=ratio)
    return Telemetry(TelemetryConfig(traces, MetricsConfig() if metrics else None))


async def record() -> None:
    client = HttpClient()
    recorder = Recorder(client)
    gateway, query = _gateway(recorder)
    result = await gateway.execute(query)
    await client.close()
    expected = json.loads((FIXTURES / "heavy.expected.json").read_text())
    if result != expected:
        raise SystemExit("the gateway's answer differs from the expected response")
    RECORDING.parent.mkdir(exist_ok=True)
    RECORDING.write_text(json.dumps(recorder.seen, indent=1, sort_keys=True) + "\n")
    print(f"recorded {len(recorder.seen)} subgraph requests into {RECORDING}")


async def run(
    seconds: float, telemetry: Telemetry | None = None, config: GatewayConfig | None = None
) -> None:
    from gateway.server.run import tune_gc

    tune_gc()  # as `fedgate serve` does
    replayer = Replayer(json.loads(RECORDING.read_text()))
    gateway, query = _gateway(replayer, telemetry, config)
    cache = gateway.entity_cache
    if cache is not None:
        await cache.open()
    expected = (FIXTURES / "heavy.expected.json").read_bytes()
    first = await gateway.execute(query)
    assert first == orjson.loads(expected), "replayed answer differs from the expected response"
    calls, hits, misses = replayer.calls, cache.hits if cache else 0, cache.misses if cache else 0
    count, start, wall = 0, time.process_time(), time.perf_counter()
    while time.process_time() - start < seconds:
        body = await gateway.execute(query)
        orjson.dumps(body)
        count += 1
    cpu = time.process_time() - start
    wall = time.perf_counter() - wall
    print(f"{count} requests in {cpu:.2f} s of CPU: {count / cpu:.0f} req per CPU-second")
    per_request = (replayer.calls - calls) / count
    print(f"  {count / wall:.0f} req/s wall; {per_request:.2f} subgraph calls per request")
    if cache is not None:
        looked = cache.hits - hits + cache.misses - misses
        rate = (cache.hits - hits) / max(looked, 1)
        print(f"  entity cache: {rate:.1%} hits of {looked} lookups")
        await cache.close()
    if telemetry is not None:
        telemetry.shutdown()


def _entity_cache(enabled: bool, redis: str | None) -> GatewayConfig | None:
    """``--entity-cache``: every subgraph cached, 5 min TTL, in memory (and ``--redis``)."""
    if not enabled and redis is None:
        return None
    all_: dict[str, object] = {"ttl": 300.0}
    if redis is not None:
        all_["redis"] = {"urls": [redis]}
    checked = {"preview_entity_cache": {"enabled": True, "subgraph": {"all": all_}}}
    source = Source("bench", checked, {})
    return GatewayConfig(entity_cache=entity_cache_config(checked, {}, source))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["record", "run"])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--tracing", metavar="URL", help="export every trace to this OTLP/HTTP")
    parser.add_argument("--metrics", action="store_true", help="record the Prometheus metrics")
    parser.add_argument("--sampler", type=float, default=1.0, help="traces sampled (0..1)")
    parser.add_argument("--entity-cache", action="store_true", help="a warm entity cache")
    parser.add_argument("--redis", metavar="URL", help="the entity cache's Redis tier too")
    args = parser.parse_args()
    telemetry = _telemetry(args.tracing, args.metrics, args.sampler)
    config = _entity_cache(args.entity_cache, args.redis)
    asyncio.run(record() if args.command == "record" else run(args.seconds, telemetry, config))


if __name__ == "__main__":
    main()
