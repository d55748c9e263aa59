"""Wall time of ``fedgate serve`` on the scale benchmark's supergraph: process start to ready
(imports included: until ``GET /health`` answers 200; a first, unmeasured start writes the
bytecode caches, as installing a wheel does), and a hot reload of the same supergraph
(``SIGHUP`` to the ``fedgate: reloaded`` log line).

    python bench/startup.py                       # composes bench/scale_graph.py's graph
    python bench/startup.py --supergraph FILE     # any supergraph
    python bench/startup.py --repeat 5

Times are wall seconds, best and median of ``--repeat`` starts (the machine is shared: the best
is what the code costs, the median what a deploy on a busy machine sees).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FEDGATE = [sys.executable, "-m", "gateway"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def one_start(supergraph: Path) -> tuple[float, float]:
    """Seconds to ready, and seconds for a SIGHUP reload."""
    port = free_port()
    command = [*FEDGATE, "serve", "--supergraph", str(supergraph), "--port", str(port)]
    started = time.perf_counter()
    # as deployed: with the modules' bytecode cached (an installed wheel has it; this
    # workplace sets PYTHONDONTWRITEBYTECODE, which would compile every module at each start)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.pop("FEDGATE_HOT_RELOAD", None)
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    lines: list[str] = []
    reloaded = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if "fedgate: reloaded" in line:
                reloaded.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        while not ready(port):
            if process.poll() is not None:
                raise SystemExit("fedgate serve exited:\n" + "".join(lines))
            time.sleep(0.01)
        to_ready = time.perf_counter() - started
        asked = time.perf_counter()
        process.send_signal(signal.SIGHUP)
        if not reloaded.wait(120):
            raise SystemExit("no reload within 120 s:\n" + "".join(lines))
        return to_ready, time.perf_counter() - asked
    finally:
        process.terminate()
        process.wait(30)


def scale_supergraph() -> Path:
    from bench.scale import composed
    from bench.scale_graph import generate

    path = Path(tempfile.mkdtemp(prefix="fedgate-startup-")) / "supergraph.graphql"
    path.write_text(composed(generate(100, 2000, 15)), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--supergraph", type=Path, help="default: the scale benchmark's, composed")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    supergraph = args.supergraph or scale_supergraph()
    one_start(supergraph)  # writes the bytecode caches
    runs = [one_start(supergraph) for _ in range(args.repeat)]
    starts, reloads = [r[0] for r in runs], [r[1] for r in runs]
    size = supergraph.stat().st_size
    print(f"supergraph: {supergraph} ({size:,} bytes)")
    print(f"start to ready: best {min(starts):.2f} s, median {statistics.median(starts):.2f} s")
    print(f"SIGHUP reload:  best {min(reloads):.2f} s, median {statistics.median(reloads):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
