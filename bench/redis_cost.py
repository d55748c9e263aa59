"""What the Redis tier costs per request, in process, against a real ``redis-server`` it starts
on a free port (docs/redis.md, docs/decisions: shared state in Redis):

    python bench/redis_cost.py [--seconds 5]

1. The heavy query through ``Gateway`` (replayed subgraph answers, as ``bench/replay.py``),
   without and with the plan cache's Redis tier: a warm plan cache touches no network, so
   this is the CPU the tier adds to a hit.
2. One rate-limit token: ``MemoryBuckets`` against ``RedisBuckets`` (the Lua script), wall
   time and CPU per call, one caller at a time.
3. One APQ lookup: the LRU hit against a Redis hit (LRU missed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.replay import RECORDING, Replayer, _gateway  # noqa: E402
from gateway.edge.store import MemoryBuckets, MemoryQueries  # noqa: E402
from gateway.redis.client import RedisClient  # noqa: E402
from gateway.redis.config import redis_config  # noqa: E402
from gateway.redis.plans import SharedPlans  # noqa: E402
from gateway.redis.stores import RedisBuckets, TieredQueries  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _per_call(call: Callable[[], Awaitable[object]], seconds: float) -> tuple[float, float]:
    """Microseconds per call: wall time, CPU time."""
    count, wall, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds:
        await call()
        count += 1
    return (
        (time.perf_counter() - wall) / count * 1e6,
        (time.process_time() - cpu) / count * 1e6,
    )


async def _heavy(seconds: float, client: RedisClient | None) -> float:
    """Requests per CPU-second of the heavy query (plan cache warm)."""
    recording = json.loads(RECORDING.read_text())
    gateway, query = _gateway(Replayer(recording))
    if client is not None:
        sdl = (ROOT / "tests" / "fixtures" / "bench_supergraph.graphql").read_text()
        # what create_app passes as Gateway(shared_plans=...)
        gateway._shared_plans = SharedPlans(client, sdl, (False, gateway.limits, False))
    await gateway.execute(query)
    count, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        await gateway.execute(query)
        count += 1
    return count / (time.process_time() - start)


async def measure(port: int, seconds: float) -> None:
    client = RedisClient(redis_config({"urls": [f"redis://127.0.0.1:{port}"]}, "bench"))
    await client.start()
    # alternated, medians: the machine is shared and noisy
    offs, ons = [], []
    for _ in range(3):
        offs.append(await _heavy(seconds, None))
        ons.append(await _heavy(seconds, client))
    off, on = statistics.median(offs), statistics.median(ons)
    print(f"heavy query, plan cache warm: {off:.0f} req/CPU-s off, {on:.0f} with the Redis tier")
    gateway, query = _gateway(Replayer(json.loads(RECORDING.read_text())))
    sdl = (ROOT / "tests" / "fixtures" / "bench_supergraph.graphql").read_text()
    plans = SharedPlans(client, sdl, (False, gateway.limits, False))
    gateway.prepare(query, None)
    no_labels: frozenset[str] = frozenset()

    async def local() -> object:
        return gateway.prepare(query, None)

    wall, cpu = await _per_call(local, seconds)
    print(f"plan cache hit, no Redis tier:   {wall:.2f} us wall, {cpu:.2f} us CPU")
    wall, cpu = await _per_call(
        lambda: plans.prepare(gateway, query, None, no_labels, None), seconds
    )
    print(f"plan cache hit, with Redis tier: {wall:.2f} us wall, {cpu:.2f} us CPU")
    memory, shared = MemoryBuckets(), RedisBuckets(client)
    big = 10**9
    wall, cpu = await _per_call(lambda: memory.take("router", big, big), seconds)
    print(f"rate limit token, memory: {wall:.1f} us wall, {cpu:.1f} us CPU")
    wall, cpu = await _per_call(lambda: shared.take("router", big, big), seconds)
    print(f"rate limit token, Redis:  {wall:.1f} us wall, {cpu:.1f} us CPU")
    queries = TieredQueries(MemoryQueries(10), client)
    await queries.set("h", "{ a }")
    wall, cpu = await _per_call(lambda: queries.get("h"), seconds)
    print(f"APQ lookup, LRU hit:      {wall:.1f} us wall, {cpu:.1f} us CPU")
    cold = TieredQueries(MemoryQueries(1), client)

    async def redis_hit() -> object:
        cold.memory = MemoryQueries(1)  # forget: the next get asks Redis
        return await cold.get("h")

    wall, cpu = await _per_call(redis_hit, seconds)
    print(f"APQ lookup, Redis hit:    {wall:.1f} us wall, {cpu:.1f} us CPU")
    await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (scripts/install-services.sh)")
    port = _free_port()
    with tempfile.TemporaryDirectory() as work:
        argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", work]
        server = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
        try:
            time.sleep(0.3)
            asyncio.run(measure(port, args.seconds))
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
