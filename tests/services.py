"""Real servers the tests start themselves (redis-server, nats-server, prometheus).

``scripts/install-services.sh`` (run by ``make test``) installs Debian's packages; where it
could not, it leaves the reason in ``.venv/service-install-reason-<package>.txt`` and
``require`` skips the test with it. ``FEDGATE_REQUIRE_SERVICES=1`` turns the skip into a
failure (for CI that must run everything).
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_PACKAGES = ("redis-server", "nats-server", "prometheus")  # each package's binary has its name


def require(package: str) -> str:
    """The path of ``package``'s server binary, or skip the test saying why it is missing."""
    assert package in _PACKAGES, package
    command = package
    found = shutil.which(command)
    if found:
        return found
    reason_file = ROOT / ".venv" / f"service-install-reason-{package}.txt"
    if reason_file.exists():
        why = reason_file.read_text().strip()
        reason = f"{command} is not installed: scripts/install-services.sh could not ({why})"
    else:
        reason = f"{command} is not installed: run scripts/install-services.sh (`make test` does)"
    if os.environ.get("FEDGATE_REQUIRE_SERVICES") == "1":
        pytest.fail(reason + " (and FEDGATE_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
