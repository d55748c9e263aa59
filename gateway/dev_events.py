"""``fedgate dev``'s NATS feed (docs/events.md): when ``nats-server`` is installed, the demo
starts one on a free loopback port, composes the five services with the events subgraph
(``schema/supergraph-events.yaml``: ``Subscription.liveOrders`` fed by the subject
``orders.placed``) and tells the orders service where to publish placed orders. Without
``nats-server`` the demo runs as before, with a printed note: ``orderPlaced`` still streams
from the orders service over WebSocket."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NatsFeed", "events_config", "nats_feed"]

EVENTS_SUPERGRAPH = Path("schema/supergraph-events.yaml")
_START_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class NatsFeed:
    url: str
    supergraph: Path


@contextmanager
def nats_feed(work: Path, host: str, supergraph: Path) -> Iterator[NatsFeed | None]:
    """A running nats-server and the supergraph with the NATS-fed field; None (and a note
    printed) when nats-server is missing or a supergraph of one's own is served."""
    binary = shutil.which("nats-server")
    if supergraph != Path("schema/supergraph.graphql") or not EVENTS_SUPERGRAPH.is_file():
        yield None
        return
    if binary is None:
        print(
            "  note      nats-server is not installed: liveOrders (fed by NATS) is off;\n"
            "            orderPlaced streams from the orders service (apt-get install "
            "nats-server)"
        )
        yield None
        return
    port = _free_port(host)
    argv = [binary, "-a", host, "-p", str(port)]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(process, host, port)
        path = work / "supergraph-events.graphql"
        path.write_text(_compose(), encoding="utf-8")
        url = f"nats://{host}:{port}"
        print(f"  nats      {url}  (liveOrders: placed orders via the subject orders.placed)")
        yield NatsFeed(url, path)
    finally:
        process.terminate()
        process.wait(10)


def events_config(text: str, url: str) -> str:
    """``text`` (a router.yaml) with the NATS provider added under ``fedgate.events``."""
    block = f"  events:\n    providers:\n      nats:\n        - id: default\n          url: {url}\n"
    if "\nfedgate:\n" in f"\n{text}":
        return f"\n{text}".replace("\nfedgate:\n", "\nfedgate:\n" + block, 1).lstrip("\n")
    return f"{text.rstrip()}\n\nfedgate:\n{block}"


def _compose() -> str:
    from .composition import compose
    from .composition.config import load_config, load_sources
    from .composition.model import CompositionSuccess

    config = load_config(EVENTS_SUPERGRAPH)
    result = compose(load_sources(config))
    if not isinstance(result, CompositionSuccess):
        raise OSError(f"{EVENTS_SUPERGRAPH} does not compose: {result}")
    return result.supergraph_sdl + "\n"


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_listening(process: subprocess.Popen[bytes], host: str, port: int) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise OSError(f"nats-server exited with {process.returncode}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((host, port)) == 0:
                return
        time.sleep(0.05)
    raise OSError(f"nats-server did not listen on {host}:{port} in {_START_TIMEOUT:g} s")
