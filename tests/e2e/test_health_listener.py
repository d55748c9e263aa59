"""``health_check.listen``: the health check on its own address, served by the same process
(one worker and several), against ``fedgate serve`` under uvicorn."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from .processes import fedgate, free_port, running
from .test_headers_e2e import QUERY, subgraphs

__all__ = ["subgraphs"]

YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
health_check:
  listen: 127.0.0.1:{health}
  path: /healthz
"""


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_health_check_answers_on_its_own_listener(subgraphs: Path, workers: str) -> None:
    port, health = free_port(), free_port()
    config = subgraphs.parent / f"health-{port}.yaml"
    config.write_text(YAML.format(port=port, health=health))
    argv = fedgate("serve", "--supergraph", str(subgraphs), "--config", str(config))
    argv += ["--workers", workers]
    with running(argv, health_url=f"http://127.0.0.1:{health}/healthz"):
        base = f"http://127.0.0.1:{health}/healthz"
        _all_workers_ready(base + "?ready")
        for suffix in ("", "?ready", "?live", "/ready"):
            answer = httpx.get(base + suffix)
            assert answer.status_code == 200 and answer.json() == {"status": "UP"}, suffix
        main = f"http://127.0.0.1:{port}"
        # as in Apollo Router: not on the GraphQL listener any more
        assert httpx.get(f"{main}/healthz").status_code == 404
        headers = {"content-type": "application/json", "accept": "application/json"}
        response = httpx.post(f"{main}/graphql", json={"query": QUERY}, headers=headers)
        assert response.status_code == 200 and "errors" not in response.json()
        # the GraphQL listener does not answer on the health address
        assert httpx.post(f"http://127.0.0.1:{health}/graphql", json={}).status_code == 404


DRAIN_YAML = """\
supergraph:
  listen: 127.0.0.1:{port}
health_check:
  listen: 127.0.0.1:{health}
headers:
  all:
    request:
      - propagate:
          named: x-trace-delay
"""


def test_readiness_goes_down_on_the_health_listener_while_draining(subgraphs: Path) -> None:
    import os
    import signal
    import threading

    port, health = free_port(), free_port()
    config = subgraphs.parent / f"drain-{port}.yaml"
    config.write_text(DRAIN_YAML.format(port=port, health=health))
    argv = fedgate("serve", "--supergraph", str(subgraphs), "--config", str(config))
    ready = f"http://127.0.0.1:{health}/health?ready"
    with running(argv, health_url=ready) as proc:
        results: list[int] = []
        headers = {"content-type": "application/json", "x-trace-delay": "2"}

        def slow() -> None:
            url = f"http://127.0.0.1:{port}/graphql"
            results.append(
                httpx.post(url, json={"query": QUERY}, headers=headers, timeout=10).status_code
            )

        worker = threading.Thread(target=slow)
        worker.start()
        time.sleep(0.5)  # the slow request is in flight
        os.kill(proc.pid, signal.SIGTERM)
        time.sleep(0.3)
        answer = httpx.get(ready, timeout=2)
        assert answer.status_code == 503 and answer.json() == {"status": "DOWN"}
        assert httpx.get(f"http://127.0.0.1:{health}/health?live").status_code == 200
        worker.join()
        assert results == [200]  # the in-flight request finished
        # exits in time (uvicorn re-raises the SIGTERM it handled): the health listener
        # does not keep the process alive
        assert proc.wait(timeout=10) in (0, -signal.SIGTERM)


def _all_workers_ready(url: str, timeout: float = 30) -> None:
    """With several workers on one address (SO_REUSEPORT) the first one up answers the start
    probe while another may still be starting (and, rightly, not ready): wait until 20
    probes in a row, spread over the workers by the kernel, find every one ready."""
    deadline = time.monotonic() + timeout
    in_a_row = 0
    while in_a_row < 20:
        assert time.monotonic() < deadline, f"{url}: not every worker became ready"
        ok = httpx.get(url).status_code == 200
        in_a_row = in_a_row + 1 if ok else 0
        if not ok:
            time.sleep(0.1)
