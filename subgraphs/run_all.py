"""Start all five services as child processes, wait until they are healthy, stop them.

For ``fedgate dev`` (start the services, then the gateway in front of them)::

    with start_all(host="127.0.0.1", base_port=4000, data_dir="data") as subgraphs:
        ...  # subgraphs.urls == {"accounts": "http://127.0.0.1:4001/graphql", ...}
    # leaving the block stops every service

and for ``python -m subgraphs`` (services only, until Ctrl-C or SIGTERM)::

    run_all(host="127.0.0.1", base_port=4000, data_dir="data")
"""

import http.client
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType

from subgraphs import DEFAULT_BASE_PORT, SERVICE_NAMES, default_port
from subgraphs.common.service import GRAPHQL_PATH, HEALTH_PATH

STARTUP_TIMEOUT = 30.0
"""Seconds to wait for every service's /health to answer."""
STOP_TIMEOUT = 5.0
"""Seconds a service gets to exit after SIGTERM before it is killed."""


class StartupError(RuntimeError):
    """A service could not start (port taken, crashed, or not healthy in time)."""


@dataclass
class ServiceProcess:
    name: str
    host: str
    port: int
    db: Path
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        return self.base_url + GRAPHQL_PATH

    @property
    def health_url(self) -> str:
        return self.base_url + HEALTH_PATH


@dataclass
class RunningSubgraphs:
    """The started services. A context manager: leaving it stops them all."""

    services: list[ServiceProcess] = field(default_factory=list)

    @property
    def urls(self) -> dict[str, str]:
        """Service name -> GraphQL endpoint URL."""
        return {service.name: service.url for service in self.services}

    def exited(self) -> list[ServiceProcess]:
        """Services whose process has ended."""
        return [service for service in self.services if service.process.poll() is not None]

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM every service still running, wait, then SIGKILL stragglers. Idempotent."""
        for service in self.services:
            if service.process.poll() is None:
                service.process.terminate()
        deadline = time.monotonic() + timeout
        for service in self.services:
            try:
                service.process.wait(timeout=max(deadline - time.monotonic(), 0.0))
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait()

    def __enter__(self) -> "RunningSubgraphs":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_all(
    host: str = "127.0.0.1",
    base_port: int = DEFAULT_BASE_PORT,
    data_dir: str | Path = "data",
    *,
    services: Sequence[str] = SERVICE_NAMES,
    log_level: str = "warning",
    timeout: float = STARTUP_TIMEOUT,
) -> RunningSubgraphs:
    """Start ``services`` (all five by default) and return once each ``/health`` says ok.

    Service ``i`` of :data:`subgraphs.SERVICE_NAMES` listens on ``base_port + 1 + i``
    (accounts 4001 ... orders 4005 for the gateway's 4000), with its SQLite file
    ``data_dir/<name>.sqlite3`` (created and seeded on first start). The children inherit
    this process's stdout and stderr (file descriptors 1 and 2). Raises
    :class:`StartupError` (after stopping whatever it started) if a port is taken, a
    service exits, or ``timeout`` seconds pass.
    """
    data_path = Path(data_dir)
    ports = {name: default_port(name, base_port) for name in services}
    taken = [f"{name} ({port})" for name, port in ports.items() if not _port_free(host, port)]
    if taken:
        raise StartupError(f"port already in use on {host}: {', '.join(taken)}")

    running = RunningSubgraphs()
    try:
        for name in services:
            db = data_path / f"{name}.sqlite3"
            command = [
                sys.executable,
                "-m",
                f"subgraphs.{name}",
                "--host",
                host,
                "--port",
                str(ports[name]),
                "--db",
                str(db),
                "--log-level",
                log_level,
            ]
            process = subprocess.Popen(command)  # inherits stdout and stderr
            running.services.append(ServiceProcess(name, host, ports[name], db, process))
        _wait_healthy(running, timeout)
    except BaseException:
        running.stop()
        raise
    return running


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _healthy(service: ServiceProcess) -> bool:
    try:
        with urllib.request.urlopen(service.health_url, timeout=1.0) as response:
            body = json.loads(response.read())
    except (OSError, ValueError, http.client.HTTPException):
        # HTTPException: a garbled answer, e.g. a connection to a port nobody listens on yet
        # that the kernel connected to itself (a port in the ephemeral range: the request
        # line comes back as the "status line")
        return False
    return (
        isinstance(body, dict)
        and body.get("service") == service.name
        and body.get("status") == "ok"
    )


def _wait_healthy(running: RunningSubgraphs, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pending = list(running.services)
    while pending:
        for service in running.exited():
            raise StartupError(
                f"{service.name} exited with status {service.process.returncode} during startup"
            )
        pending = [service for service in pending if not _healthy(service)]
        if not pending:
            return
        if time.monotonic() > deadline:
            names = ", ".join(service.name for service in pending)
            raise StartupError(f"not healthy after {timeout:.0f} s: {names}")
        time.sleep(0.1)


class _Stop(Exception):
    """Raised by the SIGTERM handler to leave the wait loop."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def run_all(
    host: str = "127.0.0.1",
    base_port: int = DEFAULT_BASE_PORT,
    data_dir: str | Path = "data",
    *,
    services: Sequence[str] = SERVICE_NAMES,
    on_ready: Callable[[RunningSubgraphs], object] | None = None,
) -> int:
    """Start the services (see :func:`start_all`), print their URLs, and run until Ctrl-C
    or SIGTERM, then stop them all. Call from the main thread (it handles SIGTERM).
    ``on_ready`` is called once every service is healthy.
    Returns 0, or 1 if a service could not start or died while running."""
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        running = start_all(host, base_port, data_dir, services=services)
    except StartupError as error:
        print(f"error: {error}", file=sys.stderr)
        signal.signal(signal.SIGTERM, previous)
        return 1
    except (KeyboardInterrupt, _Stop):
        signal.signal(signal.SIGTERM, previous)
        return 0
    status = 0
    try:
        for name, url in running.urls.items():
            print(f"  {name:<10} {url}", flush=True)
        print("All services are up. Ctrl-C stops them.", flush=True)
        if on_ready is not None:
            on_ready(running)
        while True:
            dead = running.exited()
            if dead:
                for service in dead:
                    print(
                        f"error: {service.name} exited with status {service.process.returncode}",
                        file=sys.stderr,
                    )
                status = 1
                break
            time.sleep(0.2)
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        running.stop()
        signal.signal(signal.SIGTERM, previous)
    return status
