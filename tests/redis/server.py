"""A real ``redis-server`` on a free port, started and stopped by the tests (Debian's
package: ``tests/services.py`` skips with the reason when it is missing). ``stop`` and
``start`` again on the same port: Redis killed and back, for the recovery tests."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from tests.services import free_port, require

__all__ = ["RedisServer"]


class RedisServer:
    def __init__(
        self,
        workdir: Path,
        port: int | None = None,
        args: tuple[str, ...] = (),
        config_file: Path | None = None,
    ) -> None:
        """``args``: more of redis-server's options (a cluster node's); ``config_file``: a
        configuration file (a sentinel's, which Redis rewrites)."""
        self.binary = require("redis-server")
        self.port = port or free_port()
        self.workdir = workdir
        self.args = args
        self.config_file = config_file
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> RedisServer:
        args = [self.binary, *([str(self.config_file)] if self.config_file else [])]
        args += ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir)]
        if "--sentinel" not in self.args:  # a sentinel has no data to save
            args += ["--save", "", "--appendonly", "no"]
        args += self.args
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._answers():
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            time.sleep(0.02)
        raise RuntimeError("redis-server did not start within 10s")

    def stop(self) -> None:
        """Kill it (SIGKILL: Redis gone without a goodbye, as in a crash)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False
