"""Distinct operations through the operation (plan) cache: does memory stay bounded?

    python bench/distinct_ops.py                  # 10,000 distinct operations, cache 1,024
    python bench/distinct_ops.py --ops 20000 --cache-size 256 --top 15

Every operation is new (another alias, literal and selection mix over the benchmark
supergraph), so each one is parsed, validated, planned, compiled and cached, and past the
cache size each one evicts the least recently used. The gateway is the real one
(``Gateway.prepare``, what every request calls before execution) in this process, so that
``tracemalloc`` sees every allocation. Printed every ``--every`` operations: RSS, the traced
memory, the cache's length; at the end, what grew between the first report past the cache
size and the last (tracemalloc snapshot diff by line). Bounded means: past the cache size,
traced memory stops growing (``--max-growth-kib``: exit 1 above it).
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.config.model import GatewayConfig  # noqa: E402
from gateway.pipeline import Gateway  # noqa: E402
from gateway.supergraph import load_supergraph  # noqa: E402
from gateway.transport.local import LocalClient  # noqa: E402

SUPERGRAPH = ROOT / "tests" / "fixtures" / "bench_supergraph.graphql"

_PRODUCT = ("upc", "name", "price", "weight", "inStock", "shippingEstimate")
_USER = ("id", "name", "username")


def distinct_operation(i: int) -> str:
    """Operation ``i``: a different name, aliases, literal and field mix each time, as
    clients' generated operations differ (not only by a comment)."""
    fields = [f for k, f in enumerate(_PRODUCT) if (i >> k) & 1] or ["upc"]
    user = [f for k, f in enumerate(_USER) if (i >> (k + 6)) & 1] or ["id"]
    return (
        f"query Op{i} {{ p{i}: topProducts(first: {i % 7 + 1}) {{ {' '.join(fields)} "
        f"reviews {{ id body author {{ {' '.join(user)} }} }} }} "
        f"me {{ id u{i % 97}: username }} }}"
    )


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ops", type=int, default=10_000)
    ap.add_argument("--cache-size", type=int, default=1024)
    ap.add_argument("--every", type=int, default=1000)
    ap.add_argument("--top", type=int, default=10, help="lines of the growth diff")
    ap.add_argument("--max-growth-kib", type=int, default=0, help="exit 1 above (0: report)")
    ap.add_argument(
        "--rss-only", action="store_true", help="no tracemalloc (its own tables cost RSS)"
    )
    ap.add_argument(
        "--server", action="store_true", help="through `fedgate serve` and the Node subgraphs"
    )
    ap.add_argument(
        "--execute",
        action="store_true",
        help="in-process Gateway.execute against the Node subgraphs (tracemalloc on execution)",
    )
    args = ap.parse_args(argv)
    if args.server:
        return serve_main(args)
    if args.execute:
        import asyncio

        return asyncio.run(execute_main(args))

    supergraph = load_supergraph(SUPERGRAPH.read_text())
    config = GatewayConfig(operation_cache_size=args.cache_size)
    gateway = Gateway(supergraph, LocalClient({}), config)
    if not args.rss_only:
        tracemalloc.start(1)
    baseline: tracemalloc.Snapshot | None = None
    baseline_traced = 0
    print(f"{'ops':>7} {'RSS MiB':>8} {'traced MiB':>11} {'cached':>7}")
    for i in range(1, args.ops + 1):
        gateway.prepare(distinct_operation(i), f"Op{i}")
        if i % args.every == 0:
            gc.collect()
            traced = tracemalloc.get_traced_memory()[0]
            print(
                f"{i:>7} {rss_kib() / 1024:>8.1f} {traced / 2**20:>11.2f} {len(gateway._cache):>7}"
            )
            if baseline is None and i >= 2 * args.cache_size and not args.rss_only:
                baseline, baseline_traced = tracemalloc.take_snapshot(), traced
    if baseline is None:
        return 0
    final = tracemalloc.take_snapshot()
    growth = (tracemalloc.get_traced_memory()[0] - baseline_traced) // 1024
    if baseline is not None:
        print(f"\ngrowth past the cache size (traced): {growth} KiB; by line:")
        for stat in final.compare_to(baseline, "lineno")[: args.top]:
            print(f"  {stat}")
    if args.max_growth_kib and growth > args.max_growth_kib:
        return 1
    return 0


# -- through a real server ----------------------------------------------------------------
BENCH = ROOT.parent / "shared" / "bench"


def _port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, body: bytes, seconds: float = 60) -> None:
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            req = urllib.request.Request(url, body, {"content-type": "application/json"})
            urllib.request.urlopen(req, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _rss_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def serve_main(args: argparse.Namespace) -> int:
    """``fedgate serve`` against ../shared/bench's Node subgraphs (on a free port), the
    operations POSTed by 8 concurrent clients; the gateway process's RSS every ``--every``."""
    import asyncio
    import json
    import os
    import subprocess
    import tempfile

    import aiohttp

    sg_port, gw_port = _port(), _port()
    supergraph = (BENCH / "supergraph" / "supergraph.graphql").read_text()
    supergraph = supergraph.replace("127.0.0.1:4200", f"127.0.0.1:{sg_port}")
    tmp = Path(tempfile.mkdtemp())
    (tmp / "supergraph.graphql").write_text(supergraph)
    (tmp / "router.yaml").write_text(f"fedgate:\n  operation_cache_size: {args.cache_size}\n")
    env = dict(os.environ, PORT=str(sg_port), NODE_ENV="production")
    procs = [
        subprocess.Popen(["node", "subgraphs/server.mjs"], cwd=BENCH, env=env),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gateway",
                "serve",
                "--supergraph",
                str(tmp / "supergraph.graphql"),
                "--config",
                str(tmp / "router.yaml"),
                "--host",
                "127.0.0.1",
                "--port",
                str(gw_port),
            ],
            cwd=ROOT,
        ),
    ]
    url = f"http://127.0.0.1:{gw_port}/graphql"
    try:
        _wait(url, b'{"query": "{ __typename }"}')
        gw = procs[1].pid

        async def run() -> None:
            async with aiohttp.ClientSession() as session:
                sem = asyncio.Semaphore(8)

                async def one(i: int) -> None:
                    body = {"query": distinct_operation(i), "operationName": f"Op{i}"}
                    async with sem, session.post(url, json=body) as r:
                        answer = json.loads(await r.read())
                        assert "errors" not in answer, answer

                print(f"{'ops':>7} {'gateway RSS MiB':>16}")
                for start in range(0, args.ops, args.every):
                    await asyncio.gather(
                        *(one(i) for i in range(start + 1, start + args.every + 1))
                    )
                    print(f"{start + args.every:>7} {_rss_of(gw) / 1024:>16.1f}", flush=True)

        asyncio.run(run())
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
    return 0


async def execute_main(args: argparse.Namespace) -> int:
    """The whole request minus HTTP in: ``Gateway.execute`` with the aiohttp subgraph client
    against ../shared/bench's Node subgraphs, traced like the default mode."""
    import os
    import subprocess

    from gateway.transport.http import HttpClient

    sg_port = _port()
    sdl = (BENCH / "supergraph" / "supergraph.graphql").read_text()
    env = dict(os.environ, PORT=str(sg_port), NODE_ENV="production")
    node = subprocess.Popen(["node", "subgraphs/server.mjs"], cwd=BENCH, env=env)
    try:
        _wait(f"http://127.0.0.1:{sg_port}/accounts", b'{"query": "{ __typename }"}')
        supergraph = load_supergraph(sdl.replace("127.0.0.1:4200", f"127.0.0.1:{sg_port}"))
        config = GatewayConfig(operation_cache_size=args.cache_size)
        gateway = Gateway(supergraph, HttpClient(), config)
        tracemalloc.start(1)
        baseline, baseline_traced = None, 0
        print(f"{'ops':>7} {'RSS MiB':>8} {'traced MiB':>11} {'cached':>7}")
        for i in range(1, args.ops + 1):
            answer = await gateway.execute(distinct_operation(i), None, f"Op{i}")
            assert "errors" not in answer, answer
            if i % args.every == 0:
                gc.collect()
                traced = tracemalloc.get_traced_memory()[0]
                cached = len(gateway._cache)
                print(f"{i:>7} {rss_kib() / 1024:>8.1f} {traced / 2**20:>11.2f} {cached:>7}")
                if baseline is None and i >= 2 * args.cache_size:
                    baseline, baseline_traced = tracemalloc.take_snapshot(), traced
        if baseline is not None:
            growth = (tracemalloc.get_traced_memory()[0] - baseline_traced) // 1024
            print(f"\ngrowth past the cache size (traced): {growth} KiB; by line:")
            for stat in tracemalloc.take_snapshot().compare_to(baseline, "lineno")[: args.top]:
                print(f"  {stat}")
    finally:
        node.terminate()
        node.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
