"""A bounded subscription load test (not part of ``make test``): ``fedgate serve`` in front of
the subscription tests' feed and catalog subgraphs, N subscriptions over graphql-transport-ws
(100 per client connection), events spread so that all of them together make RATE events a
second, each completed with one ``_entities`` call to the catalog. Reports the event latency
(subgraph send → client receive, same clock) p50/p99 and the gateway's RSS.

    .venv/bin/python -m bench.subscriptions --subscriptions 1000 --rate 100 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import orjson

from tests.subscriptions.harness import gateway, subgraph, supergraph, ws_open

QUERY = (
    "subscription L($c: Int!, $ms: Int!) "
    "{ ticks(count: $c, intervalMs: $ms) { n at items { name } } }"
)
CONFIG = """\
subscription:
  enabled: true
  mode:
    passthrough:
      all:
        protocol: graphql_transport_ws
  queue_capacity: 1000
fedgate:
  subscription:
    max_per_connection: 100
"""


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(url: str, subs: int, rate: float, seconds: float, pid: int) -> dict[str, object]:
    interval_ms = int(subs / rate * 1000)  # each subscription's period
    count = max(1, int(seconds * 1000 / interval_ms))
    latencies: list[float] = []
    errors: list[object] = []
    per_connection = 100
    connections = [await ws_open(url) for _ in range((subs + per_connection - 1) // per_connection)]
    rss_idle = rss_mib(pid)

    async def reader(ws: object, expected: int) -> None:
        done = 0
        while done < expected:
            message = orjson.loads(await ws.recv())  # type: ignore[attr-defined]
            if message["type"] == "next":
                payload = message["payload"]
                if "errors" in payload:
                    errors.append(payload["errors"])
                else:
                    latencies.append(time.time() - payload["data"]["ticks"]["at"])
            elif message["type"] == "ping":
                await ws.send('{"type":"pong"}')  # type: ignore[attr-defined]
            elif message["type"] in ("complete", "error"):
                done += 1
                if message["type"] == "error":
                    errors.append(message)

    readers = []
    started = time.monotonic()
    for c, ws in enumerate(connections):
        mine = range(c * per_connection, min(subs, (c + 1) * per_connection))
        readers.append(asyncio.create_task(reader(ws, len(mine))))
    for i in range(subs):
        ws = connections[i // per_connection]
        body = {"query": QUERY, "variables": {"c": count, "ms": interval_ms}}
        await ws.send(json.dumps({"type": "subscribe", "id": str(i), "payload": body}))
        # spread the subscriptions over one period: the events come evenly
        await asyncio.sleep(interval_ms / 1000 / subs)
    peak = rss_mib(pid)
    while not all(r.done() for r in readers):
        await asyncio.sleep(1)
        peak = max(peak, rss_mib(pid))
    elapsed = time.monotonic() - started
    for ws in connections:
        await ws.close()
    latencies.sort()
    n = len(latencies)
    return {
        "subscriptions": subs,
        "events": n,
        "errors": len(errors),
        "events_per_second": round(n / elapsed, 1),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 2) if n else None,
        "latency_ms_p99": round(latencies[int(n * 0.99) - 1] * 1000, 2) if n else None,
        "latency_ms_max": round(latencies[-1] * 1000, 2) if n else None,
        "gateway_rss_mib_before": round(rss_idle, 1),
        "gateway_rss_mib_peak": round(peak, 1),
        "seconds": round(elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100.0, help="events/s, all together")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with subgraph("feed") as feed, subgraph("catalog") as catalog:
            path = work / "supergraph.graphql"
            path.write_text(supergraph(feed, catalog))
            with gateway(work, path, CONFIG) as (url, _, proc):
                result = asyncio.run(
                    run(url, args.subscriptions, args.rate, args.seconds, proc.pid)
                )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
