"""The soak: ``make soak`` (``python -m tests.resilience.soak --seconds 600``), never part of
``make test``. ``fedgate serve`` with retries and a breaker, in front of a stable subgraph and
one that goes down for 5 s every 30 s (its process killed and started again), under steady
load. Reports the requests that failed outside the outage windows (the goal: none) and the
gateway's RSS growth (the goal: under 10 %)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from gateway.composition import compose
from gateway.composition.model import CompositionSuccess, SubgraphSource
from tests.e2e.processes import fedgate, free_port, running

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'
CONFIG = """\
supergraph:
  listen: 127.0.0.1:{port}
traffic_shaping:
  all:
    timeout: 2s
    experimental_retry:
      retry_percent: 0.2
fedgate:
  traffic_shaping:
    all:
      circuit_breaker:
        consecutive_failures: 5
        open_duration: 2s
"""
DOWN_FOR = 5.0
PERIOD = 30.0
# after the subgraph answers again, the breaker may stay open up to its open_duration
GRACE = 2.5
# requests already in flight when the subgraph went down belong to the outage
IN_FLIGHT = 1.0
WARMUP_OUTAGES = 3


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Flapper:
    def __init__(
        self, port: int, *, steady: bool = False, period: float = PERIOD, down_for: float = DOWN_FOR
    ) -> None:
        self.steady = steady
        self.period, self.down_for = period, down_for
        self.argv = [sys.executable, "-m", "tests.transport.counting_subgraph", str(port), "5"]
        self.proc: subprocess.Popen[bytes] | None = None
        self.windows: list[tuple[float, float]] = []

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()

    async def run(self, until: float, health: str) -> None:
        if self.steady:
            return
        async with httpx.AsyncClient(timeout=1) as client:
            while time.monotonic() + self.period < until:
                await asyncio.sleep(self.period - self.down_for)
                down = time.monotonic()
                self.stop()
                await asyncio.sleep(self.down_for)
                self.start()
                while True:  # the outage lasts until the subgraph answers again
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get(health)).status_code == 200:
                            break
                    await asyncio.sleep(0.05)
                self.windows.append((down - IN_FLIGHT, time.monotonic() + GRACE))


Result = tuple[float, bool, str, str]


async def load(url: str, until: float, results: list[Result]) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        i = 0
        while time.monotonic() < until:
            i += 1
            query = "{ ok n }" if i % 2 else "{ ok }"
            started = time.monotonic()
            try:
                r = await client.post(url, json={"query": query})
                errors = r.json().get("errors") if r.status_code == 200 else None
                ok = r.status_code == 200 and not errors
                why = (
                    ""
                    if ok
                    else str(
                        errors[0].get("extensions", {}).get("code") if errors else r.status_code
                    )
                )
            except httpx.HTTPError as exc:
                ok, why = False, type(exc).__name__
            results.append((started, ok, query, why))


@dataclass(frozen=True, slots=True)
class Options:
    seconds: float
    workers: int
    sample_every: float
    # outages after which the gateway's RSS is taken as the warm baseline
    warmup_outages: int
    probe: Path | None


async def soak(url: str, pid: int, flapper: Flapper, health: str, opts: Options) -> None:
    results: list[Result] = []
    seconds = opts.seconds
    warm_until = time.monotonic() + 10
    await asyncio.gather(*(load(url, warm_until, []) for _ in range(opts.workers)))
    start_rss = rss_mib(pid)
    began = time.monotonic()
    until = began + seconds
    loads = (load(url, until, results) for _ in range(opts.workers))
    samples: list[tuple[float, float]] = []

    async def sample() -> None:
        while time.monotonic() + opts.sample_every < until:
            await asyncio.sleep(opts.sample_every)
            samples.append((time.monotonic() - began, rss_mib(pid)))
            if opts.probe is not None:
                os.kill(pid, signal.SIGUSR1)

    await asyncio.gather(flapper.run(until, health), sample(), *loads)
    end_rss = rss_mib(pid)

    def in_outage(at: float) -> bool:
        return any(a <= at <= b for a, b in flapper.windows)

    failed = [r for r in results if not r[1]]
    outside = [r for r in failed if not in_outage(r[0])]
    spans = ", ".join(f"{b - a:.1f}" for a, b in flapper.windows)
    print(f"requests: {len(results)} in {seconds:.0f} s ({len(results) / seconds:.0f}/s)")
    print(f"outage windows (s, kill -{IN_FLIGHT:g} s to answering again +{GRACE:g} s): {spans}")
    print(f"failed: {len(failed)} ({len(outside)} outside the outage windows)")
    for at, _, query, why in outside[:20]:
        print(f"  outside: {query} {why} at {at - until + seconds:.2f} s")
    growth = 100 * (end_rss - start_rss) / start_rss
    print(f"gateway RSS: {start_rss:.1f} MiB -> {end_rss:.1f} MiB ({growth:+.1f} %)")
    warm = warm_rss(flapper, samples, began, opts.warmup_outages)
    warm_growth = None if warm is None else 100 * (end_rss - warm) / warm
    if warm is not None and warm_growth is not None:
        print(
            f"after {opts.warmup_outages} outages (warm): {warm:.1f} MiB -> {end_rss:.1f} MiB "
            f"({warm_growth:+.1f} %)"
        )
    every = f"{opts.sample_every:g}"
    print(f"RSS every {every} s (MiB): " + " ".join(f"{m:.1f}" for _, m in samples))
    # the goal is on the whole run's growth; the warm figure tells a plateau from a climb
    if outside or growth >= 10:
        sys.exit(1)


def warm_rss(
    flapper: Flapper, samples: list[tuple[float, float]], began: float, outages: int
) -> float | None:
    """The first RSS sample taken after the ``outages``-th outage window closed."""
    if flapper.steady or outages <= 0:
        return samples[0][1] if samples else None
    if len(flapper.windows) < outages:
        return None
    closed = flapper.windows[outages - 1][1] - began
    return next((m for at, m in samples if at >= closed), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--steady", action="store_true", help="no outages (for comparison)")
    parser.add_argument("--period", type=float, default=PERIOD, help="seconds between outages")
    parser.add_argument("--down-for", type=float, default=DOWN_FOR, help="seconds down")
    parser.add_argument("--sample-every", type=float, default=10, help="RSS sample seconds")
    parser.add_argument("--warmup-outages", type=int, default=WARMUP_OUTAGES)
    parser.add_argument(
        "--probe", type=Path, help="append the gateway's allocator stats (JSON lines) here"
    )
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE for the gateway's environment"
    )
    args = parser.parse_args()
    opts = Options(args.seconds, args.workers, args.sample_every, args.warmup_outages, args.probe)
    env = dict(item.split("=", 1) for item in args.env)
    stable_port, flap_port, port = free_port(), free_port(), free_port()
    sources = [
        SubgraphSource(
            "stable", f"http://127.0.0.1:{stable_port}/ok", f"{LINK}\ntype Query {{ ok: String }}"
        ),
        SubgraphSource(
            "flap", f"http://127.0.0.1:{flap_port}/graphql", f"{LINK}\ntype Query {{ n: Int }}"
        ),
    ]
    result = compose(sources)
    assert isinstance(result, CompositionSuccess), result
    with tempfile.TemporaryDirectory() as tmp:
        supergraph, config = Path(tmp) / "supergraph.graphql", Path(tmp) / "router.yaml"
        supergraph.write_text(result.supergraph_sdl)
        config.write_text(CONFIG.format(port=port))
        stable = [sys.executable, "-m", "tests.resilience.fault_server", str(stable_port)]
        flapper = Flapper(flap_port, steady=args.steady, period=args.period, down_for=args.down_for)
        flapper.start()
        try:
            with running(stable, health_url=f"http://127.0.0.1:{stable_port}/health"):
                serve = ["serve", "--supergraph", str(supergraph), "--config", str(config)]
                argv = (
                    [sys.executable, "-m", "tests.resilience.memprobe", str(args.probe), *serve]
                    if args.probe
                    else fedgate(*serve)
                )
                # the gateway logs every failed call: to a file (a pipe nobody reads fills
                # up and blocks the gateway's writes)
                log = Path(tmp) / "gateway.log"
                gateway = running(
                    argv, health_url=f"http://127.0.0.1:{port}/health", stderr=log, env=env
                )
                with gateway as gw:
                    url = f"http://127.0.0.1:{port}/graphql"
                    health = f"http://127.0.0.1:{flap_port}/health"
                    asyncio.run(soak(url, gw.pid, flapper, health, opts))
        finally:
            with contextlib.suppress(Exception):
                flapper.stop()


if __name__ == "__main__":
    main()
