"""A bounded load test of broker-fed subscriptions (not part of ``make test``): ``fedgate
serve`` with a real nats-server, the events tests' events subgraph (``itemOn(topic:)``, fed
by the subject ``items.<topic>``) and catalog subgraph (``Item.name`` by ``_entities``). N
subscriptions over graphql-transport-ws (100 per connection), each on its own subject; a
publisher sends RATE messages a second over all subjects together, each message's key
carrying its send time, so every event costs one NATS delivery, one ``_entities`` call and
one WebSocket message. Reports the event latency (publish → client receive, one clock)
p50/p99 and the gateway's RSS.

    .venv/bin/python -m bench.events --subscriptions 1000 --rate 100 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import nats
import orjson

from bench.subscriptions import rss_mib
from tests.events.brokers import (
    EVENTS_SDL,
    events_supergraph,
    nats_server,
    redis_server,
    router_config,
)
from tests.subscriptions.harness import gateway, subgraph, ws_open

QUERY = "subscription L($t: String!) { itemOn(topic: $t) { id name } }"
PER_CONNECTION = 100


async def run(url: str, nats_port: int, subs: int, rate: float, seconds: float, pid: int) -> Any:
    client = await nats.connect(f"nats://127.0.0.1:{nats_port}")
    connections = [await ws_open(url) for _ in range((subs + PER_CONNECTION - 1) // PER_CONNECTION)]
    for i in range(subs):
        body = {"query": QUERY, "variables": {"t": f"t{i}"}}
        message = {"type": "subscribe", "id": str(i), "payload": body}
        await connections[i // PER_CONNECTION].send(json.dumps(message))
    warm: set[str] = set()
    latencies: list[float] = []
    errors: list[Any] = []
    measuring = False

    async def reader(ws: Any) -> None:
        while True:
            message = orjson.loads(await ws.recv())
            if message["type"] == "ping":
                await ws.send('{"type":"pong"}')
            elif message["type"] != "next":
                errors.append(message)
                return
            elif "errors" in message["payload"]:
                errors.append(message["payload"]["errors"])
            else:
                key = message["payload"]["data"]["itemOn"]["id"]
                if key.startswith("warm"):
                    warm.add(message["id"])
                elif measuring:
                    latencies.append(time.time() - float(key))

    readers = [asyncio.create_task(reader(ws)) for ws in connections]
    while len(warm) < subs:  # every broker subscription is in place
        for i in range(subs):
            if str(i) not in warm:
                await client.publish(f"items.t{i}", b'{"id": "warm"}')
        await client.flush()
        await asyncio.sleep(1)
    await asyncio.sleep(1)
    rss_idle = rss_mib(pid)
    peak = rss_idle
    measuring = True
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < seconds:
        due = int((time.monotonic() - started) * rate)
        while sent < due:
            at = json.dumps({"id": repr(time.time())}).encode()
            await client.publish(f"items.t{sent % subs}", at)
            sent += 1
        await asyncio.sleep(0.005)
        if sent % 100 == 0:
            peak = max(peak, rss_mib(pid))
    await client.flush()
    await asyncio.sleep(2)  # the last events arrive
    for task in readers:
        task.cancel()
    for ws in connections:
        await ws.close()
    await client.close()
    latencies.sort()
    n = len(latencies)
    return {
        "subscriptions": subs,
        "messages_published": sent,
        "events": n,
        "errors": len(errors),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 2) if n else None,
        "latency_ms_p99": round(latencies[int(n * 0.99) - 1] * 1000, 2) if n else None,
        "latency_ms_max": round(latencies[-1] * 1000, 2) if n else None,
        "gateway_rss_mib_idle": round(rss_idle, 1),
        "gateway_rss_mib_peak": round(peak, 1),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100.0, help="messages/s, all together")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--publish", action="store_true", help="with the publish mutations")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with (
            nats_server() as nats_port,
            redis_server(work) as redis_port,
            subgraph("catalog") as catalog,
        ):
            path = work / "supergraph.graphql"
            mutation = EVENTS_SDL[EVENTS_SDL.index("type Mutation") : EVENTS_SDL.index("type Item")]
            sdl = EVENTS_SDL if args.publish else EVENTS_SDL.replace(mutation, "")
            path.write_text(events_supergraph(catalog, sdl))
            extra = "  max_opened_subscriptions: 100000\n"
            config = router_config(nats_port, redis_port, extra)
            with gateway(work, path, config) as (url, _, proc):
                result = asyncio.run(
                    run(url, nats_port, args.subscriptions, args.rate, args.seconds, proc.pid)
                )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
