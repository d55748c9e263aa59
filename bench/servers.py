"""The serving layer: the heavy query through ``fedgate serve`` under different ASGI servers,
counted in gateway CPU per request (what a busy shared machine moves least) and req/s.

    python bench/servers.py                        # uvicorn (the default) and granian, 2 rounds
    python bench/servers.py --rounds 3 --seconds 10 --server 'name=command {supergraph} {port}'

The four Node subgraphs of ../shared/bench run on a free port (the supergraph's URLs are
rewritten to it), each server on another; every server's heavy answer is checked against
Apollo Gateway's (``query/expected-response.json``) first. Then wrk (``load/heavy.lua``, 50
connections) for ``--seconds`` after a 3 s warm-up; the gateway's CPU time (all its processes
and threads, from /proc) over the measured window gives CPU ms per request. Rounds interleave
the servers; medians are printed, with p50, p99 and p99.9 latency.

``--gateway-cpu 0 --load-cpu 1`` pins the gateway to one core and wrk and the subgraphs to the
other, as ``../shared/bench/compare.sh`` does. Two checkouts side by side (before/after):
``--server "before=cd OLD && exec .venv/bin/python -c 'import sys; from gateway.cli import
main; sys.exit(main())' serve --supergraph {supergraph} --host 127.0.0.1 --port {port}"``
(``-c`` puts the current directory, OLD, first on the import path).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "bench"
BIN = Path(sys.executable).parent
SERVE = f"exec {BIN}/fedgate serve --supergraph {{supergraph}} --host 127.0.0.1 --port {{port}}"
SERVERS = {
    "uvicorn": SERVE,
    "granian": (
        f"exec {BIN}/granian --interface asgi --factory --host 127.0.0.1 --port {{port}} "
        "--workers 1 --loop uvloop --http 1 --no-ws --log-level warning "
        "gateway.server.run:app_from_env"
    ),
}
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post(url: str, body: bytes, timeout: float = 30) -> bytes:
    req = urllib.request.Request(url, body, {"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        data: bytes = r.read()
        return data


def wait_ready(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            post(url, b'{"query": "{ __typename }"}', 2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and every process below it (threads included)."""
    parents: dict[int, int] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        stats[int(entry.name)] = fields
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, p in parents.items():
            if p == parent and child not in tree:
                tree.add(child)
                frontier.append(child)
    # utime, stime are fields 14 and 15 of /proc/PID/stat (11 and 12 after the state field)
    return sum(int(stats[p][11]) + int(stats[p][12]) for p in tree if p in stats) / TICK


def wrk(
    url: str, body_file: Path, seconds: int, connections: int, pin: list[str] | None = None
) -> dict[str, float]:
    env = dict(os.environ, BODY_FILE=str(body_file), VALIDATE="1")
    out = subprocess.run(
        [
            *(pin or []),
            *("wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"),
            *("-s", str(BENCH / "load" / "heavy.lua"), url),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    found = re.search(r"WRK_JSON (\{.*\})", out)
    assert found, out
    result: dict[str, float] = json.loads(found.group(1))
    return result


def measure(name: str, command: str, supergraph: Path, body_file: Path, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    port = free_port()
    url = f"http://127.0.0.1:{port}/graphql"
    cmd = command.format(supergraph=supergraph, port=port)
    if args.gateway_cpu is not None:  # as compare.sh: the gateway alone on its core
        cmd = f"exec taskset -c {args.gateway_cpu} sh -c {shlex.quote(cmd)}"
    env = dict(os.environ, FEDGATE_SUPERGRAPH_PATH=str(supergraph))
    proc = subprocess.Popen(
        cmd, shell=True, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )
    try:
        wait_ready(url)
        answer = json.loads(post(url, body_file.read_bytes()))
        expected = json.loads((BENCH / "query" / "expected-response.json").read_text())
        if answer != expected:
            raise SystemExit(f"{name}: the heavy query's answer differs from Apollo Gateway's")
        wrk(url, body_file, 3, args.connections, load_pin(args))
        cpu0, t0 = tree_cpu_seconds(proc.pid), time.monotonic()
        spy = None
        if args.profile:
            spy = subprocess.Popen(
                [
                    f"{BIN}/py-spy",
                    "record",
                    "--pid",
                    str(proc.pid),
                    "--duration",
                    str(args.seconds - 1),
                    "--rate",
                    "200",
                    "--format",
                    "raw",
                    "--nonblocking",
                    "--output",
                    f"{args.profile}.{name}.txt",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        result = wrk(url, body_file, args.seconds, args.connections, load_pin(args))
        if spy is not None:
            spy.wait(30)
            summarize(Path(f"{args.profile}.{name}.txt"))
        cpu, wall = tree_cpu_seconds(proc.pid) - cpu0, time.monotonic() - t0
        bad = result["non200"] + result["gql_errors"] + result["err_status"]
        if bad:
            raise SystemExit(f"{name}: {bad} failed responses under load")
        n = result["requests"]
        return {
            "req/s": n / (result["duration_us"] / 1e6),
            "CPU ms/req": 1000 * cpu / n,
            "req per CPU-s": n / cpu if cpu else float("nan"),
            "gw CPU %": 100 * cpu / wall,
            "p50 ms": result["p50_us"] / 1000,
            "p99 ms": result["p99_us"] / 1000,
            "p99.9 ms": result["p999_us"] / 1000,
        }
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def load_pin(args: argparse.Namespace) -> list[str]:
    """taskset for wrk and the subgraphs: the other core than the gateway's."""
    return [] if args.load_cpu is None else ["taskset", "-c", str(args.load_cpu)]


def summarize(raw: Path, top: int = 25) -> None:
    """py-spy's raw (collapsed) stacks: the functions with most samples on top of the stack
    (self) and anywhere in it (total), as % of all samples."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        samples += n
        frames = [_frame(f) for f in stack.split(";")]
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for f in set(frames):
            total[f] = total.get(f, 0) + n
    print(f"\n{raw}: {samples} samples\n| function | self % | total % |\n|---|---|---|")
    for f, n in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        print(f"| {f} | {100 * n / samples:.1f} | {100 * total[f] / samples:.1f} |")


def _frame(frame: str) -> str:
    """``shape (gateway/execution/shape.py:120)`` → ``execution/shape.py:shape``."""
    name, _, where = frame.partition(" (")
    path = where.split(":")[0]
    for marker in ("/gateway/", "/site-packages/", "/lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{name}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--server", action="append", default=[], help="NAME=COMMAND template")
    ap.add_argument("--only", help="comma-separated names of the built-in servers")
    ap.add_argument(
        "--profile", metavar="PREFIX", help="py-spy each server under load: PREFIX.NAME.txt"
    )
    ap.add_argument("--gateway-cpu", type=int, help="pin the gateway to this core (taskset)")
    ap.add_argument("--load-cpu", type=int, help="pin wrk and the subgraphs to this core")
    args = ap.parse_args(argv)
    servers = dict(SERVERS)
    if args.only:
        servers = {k: v for k, v in servers.items() if k in args.only.split(",")}
    for spec in args.server:
        name, _, command = spec.partition("=")
        servers[name] = command

    tmp = Path(tempfile.mkdtemp(prefix="fedgate-servers-"))
    sg_port = free_port()
    sdl = (BENCH / "supergraph" / "supergraph.graphql").read_text()
    supergraph = tmp / "supergraph.graphql"
    supergraph.write_text(sdl.replace("127.0.0.1:4200", f"127.0.0.1:{sg_port}"))
    body_file = tmp / "request.json"
    body_file.write_text(json.dumps({"query": (BENCH / "query" / "heavy.graphql").read_text()}))
    node_env = dict(os.environ, PORT=str(sg_port), NODE_ENV="production")
    subgraphs = subprocess.Popen(
        [*load_pin(args), "node", "subgraphs/server.mjs"],
        cwd=BENCH,
        env=node_env,
        stdout=subprocess.DEVNULL,
    )
    results: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
    try:
        for r in range(args.rounds):
            for name, command in servers.items():
                row = measure(name, command, supergraph, body_file, args)
                results[name].append(row)
                print(f"round {r + 1} {name}: " + ", ".join(f"{k} {v:.1f}" for k, v in row.items()))
    finally:
        subgraphs.terminate()
        subgraphs.wait(10)
    keys = ["req/s", "CPU ms/req", "req per CPU-s", "gw CPU %", "p50 ms", "p99 ms", "p99.9 ms"]
    print("\n| server | " + " | ".join(f"{k} (median)" for k in keys) + " |")
    print("|---|" + "---|" * len(keys))
    for name, rows in results.items():
        cells = [f"{statistics.median(row[k] for row in rows):.2f}" for k in keys]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
