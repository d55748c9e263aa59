"""Telemetry's cost in wall clock, measured as ../shared/bench measures it: the heavy query
through ``fedgate serve`` pinned to one core (``taskset``), the four Node subgraphs, wrk and an
OTLP/HTTP sink on the other, variants interleaved round by round, medians printed.

    python bench/telemetry_cost.py                     # off, metrics, tracing at 100 %; 3 rounds
    python bench/telemetry_cost.py --rounds 5 --seconds 10 --only off,tracing
    python bench/telemetry_cost.py --variant 'old-tracing=tracing@/path/to/checkout'

A variant is ``NAME=CONFIG[@CHECKOUT]``: CONFIG is ``-`` (no config), ``metrics``
(``bench/telemetry/metrics.yaml``), ``tracing`` (100 % sampling to the sink with the default
batch settings, what the side-by-side run uses) or a ``router.yaml`` path; CHECKOUT runs
another tree's ``gateway`` package with this one's virtualenv. Per round and variant: req/s,
req per CPU-second of the gateway process (all its threads, from /proc, so the export
thread counts), its CPU %, p99, and the share of the gateway's core that other processes
took (the machine is shared: a round where that is high is noise). The cost of each variant
against the first is the ratio of medians.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.servers import BENCH, BIN, free_port, post, tree_cpu_seconds, wait_ready  # noqa: E402

TRACING = """\
telemetry:
  exporters:
    tracing:
      common:
        sampler: 1.0
      otlp:
        enabled: true
        endpoint: {sink}
        protocol: http
"""
DEFAULT = ["off=-", "metrics=metrics", "tracing=tracing"]
CLK = os.sysconf("SC_CLK_TCK")


def core_busy(cpus: set[int]) -> float:
    """Busy seconds (user, nice, system, irq, softirq) of ``cpus``, from /proc/stat."""
    busy = 0
    with open("/proc/stat") as f:
        for line in f:
            name, *values = line.split()
            if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
                user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in values[:7])
                busy += user + nice + system + irq + softirq
    return busy / CLK


def other_threads(pid: int) -> float:
    """CPU seconds of ``pid``'s threads but its main one (the span export thread)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        if task.name == str(pid):
            continue
        try:
            text = (task / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])
    return total / CLK


def wrk(url: str, body: Path, seconds: int, connections: int, cpus: str) -> dict[str, float]:
    env = dict(os.environ, BODY_FILE=str(body), VALIDATE="1")
    command = ["taskset", "-c", cpus, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "30s", "-s", str(BENCH / "load" / "heavy.lua"), url]
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    marker = out.index("WRK_JSON ")
    result: dict[str, float] = json.loads(out[marker + 9 :].splitlines()[0])
    return result


def config_path(spec: str, sink: str, tmp: Path) -> Path | None:
    if spec == "-":
        return None
    if spec == "metrics":
        return HERE / "telemetry" / "metrics.yaml"
    if spec == "tracing":
        path = tmp / "tracing.yaml"
        path.write_text(TRACING.format(sink=sink))
        return path
    return Path(spec).resolve()


def measure(
    command: str, env: dict[str, str], url: str, body: Path, args: argparse.Namespace
) -> dict[str, float]:
    proc = subprocess.Popen(
        command,
        shell=True,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(url)
        answer = json.loads(post(url, body.read_bytes()))
        expected = json.loads((BENCH / "query" / "expected-response.json").read_text())
        if answer != expected:
            raise SystemExit("the heavy query's answer differs from Apollo Gateway's")
        wrk(url, body, args.warmup, args.connections, args.load_cpus)
        time.sleep(0.5)  # the warm-up's last exports
        gw_cpus = {int(c) for c in args.gateway_cpus.split(",")}
        cpu0, core0, t0 = tree_cpu_seconds(proc.pid), core_busy(gw_cpus), time.monotonic()
        threads0 = other_threads(proc.pid)
        result = wrk(url, body, args.seconds, args.connections, args.load_cpus)
        cpu, wall = tree_cpu_seconds(proc.pid) - cpu0, time.monotonic() - t0
        threads = other_threads(proc.pid) - threads0
        other = core_busy(gw_cpus) - core0 - cpu
        bad = result["non200"] + result["gql_errors"] + result["err_status"]
        if bad:
            raise SystemExit(f"{bad} failed responses under load")
        n = result["requests"]
        return {
            "req/s": n / (result["duration_us"] / 1e6),
            "req per CPU-s": n / cpu if cpu else float("nan"),
            "gw CPU %": 100 * cpu / wall,
            "p99 ms": result["p99_us"] / 1000,
            "other %": 100 * max(other, 0.0) / wall,
            "threads %": 100 * threads / cpu if cpu else 0.0,
        }
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--variant", action="append", default=[], help="NAME=CONFIG[@CHECKOUT]")
    ap.add_argument("--only", help="comma-separated names of the default variants")
    ap.add_argument("--gateway-cpus", default="1")
    ap.add_argument("--load-cpus", default="0")
    args = ap.parse_args(argv)
    specs = args.variant or DEFAULT
    if args.only:
        specs = [s for s in DEFAULT if s.split("=")[0] in args.only.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="fedgate-telemetry-cost-"))
    sg_port, sink_port = free_port(), free_port()
    sink = f"http://127.0.0.1:{sink_port}"
    sdl = (BENCH / "supergraph" / "supergraph.graphql").read_text()
    supergraph = tmp / "supergraph.graphql"
    supergraph.write_text(sdl.replace("127.0.0.1:4200", f"127.0.0.1:{sg_port}"))
    body = tmp / "request.json"
    body.write_text(json.dumps({"query": (BENCH / "query" / "heavy.graphql").read_text()}))
    pin = ["taskset", "-c", args.load_cpus]
    node_env = dict(os.environ, PORT=str(sg_port), NODE_ENV="production")
    helpers = [
        subprocess.Popen(
            [*pin, "node", "subgraphs/server.mjs"],
            cwd=BENCH,
            env=node_env,
            stdout=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [*pin, sys.executable, str(HERE / "instructions.py"), "--serve-sink", str(sink_port)]
        ),
    ]
    variants: dict[str, tuple[str, dict[str, str]]] = {}
    for spec in specs:
        name, _, rest = spec.partition("=")
        config, _, checkout = rest.partition("@")
        path = config_path(config, sink, tmp)
        command = f"exec taskset -c {args.gateway_cpus} {BIN}/fedgate serve --supergraph "
        command += f"{supergraph} --host 127.0.0.1 --port {{port}}"
        if path is not None:
            command += f" --config {path}"
        env = dict(os.environ)
        if checkout:
            env["PYTHONPATH"] = str(Path(checkout).resolve())
        variants[name] = (command, env)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    try:
        for r in range(args.rounds):
            for name, (command, env) in variants.items():
                port = free_port()
                row = measure(
                    command.format(port=port), env, f"http://127.0.0.1:{port}/graphql", body, args
                )
                results[name].append(row)
                cells = ", ".join(f"{k} {v:.1f}" for k, v in row.items())
                print(f"round {r + 1} {name}: {cells}", flush=True)
    finally:
        for helper in helpers:
            helper.terminate()
            helper.wait(10)
    report(results)
    return 0


def report(results: dict[str, list[dict[str, float]]]) -> None:
    keys = ["req/s", "req per CPU-s", "gw CPU %", "p99 ms", "other %", "threads %"]
    medians = {
        name: {k: statistics.median(row[k] for row in rows) for k in keys}
        for name, rows in results.items()
    }
    first = next(iter(medians.values()))
    print("\n| variant | " + " | ".join(f"{k} (median)" for k in keys) + " | req/s | per CPU-s |")
    print("|---|" + "---|" * (len(keys) + 2))
    for name, m in medians.items():
        cells = [f"{m[k]:.1f}" for k in keys]
        rps = 100 * (m["req/s"] / first["req/s"] - 1)
        cpu = 100 * (m["req per CPU-s"] / first["req per CPU-s"] - 1)
        print(f"| {name} | " + " | ".join(cells) + f" | {rps:+.1f} % | {cpu:+.1f} % |")


if __name__ == "__main__":
    sys.exit(main())
