"""Start real processes on loopback ports for end-to-end tests, and stop them for sure."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def free_port_block(count: int) -> int:
    """The first of ``count`` consecutive ports that are free on 127.0.0.1 right now, below
    Linux's ephemeral range (32768+) so that outgoing connections do not take them."""
    for _ in range(50):
        first = random.randrange(20000, 32768 - count)
        with contextlib.ExitStack() as probes:
            try:
                for port in range(first, first + count):
                    probe = probes.enter_context(socket.socket())
                    probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1")


def listening(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex((host, port)) == 0


@contextlib.contextmanager
def running(
    argv: Sequence[str],
    *,
    health_url: str,
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
    timeout: float = 30.0,
    stdout: Path | None = None,
    stderr: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``argv`` until the block ends; wait until ``health_url`` answers 200 first.

    The process leads its own process group (the block's end signals the whole group);
    its standard output goes to the file ``stdout`` if given, else nowhere; its standard
    error to the file ``stderr`` if given (to read its log), else to a pipe."""
    log = open(stdout or os.devnull, "wb")  # noqa: SIM115 - closed in finally
    err = open(stderr, "wb") if stderr else None  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=err or subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_healthy(proc, health_url, timeout)
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        log.close()
        if err is not None:
            err.close()


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}:\n{err}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{proc.args!r} did not become healthy at {url} in {timeout} s")


def fedgate(*args: str) -> list[str]:
    return [sys.executable, "-m", "gateway", *args]
