"""docs/trace.png: the trace of the README's example query (``TopProducts``), as the tests'
OTLP/HTTP receiver got it from a real gateway and the five example services, rendered as a
waterfall page (tests/telemetry/waterfall.py) and screenshotted with headless Chromium
(``scripts/install-browser.sh``). Run with ``make trace-screenshot``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.telemetry.otlp_receiver import ReceivedSpan, otlp_receiver  # noqa: E402
from tests.telemetry.stack import TOP_PRODUCTS, gateway, services  # noqa: E402
from tests.telemetry.waterfall import waterfall  # noqa: E402

CONFIG = """
telemetry:
  exporters:
    tracing:
      common:
        service_name: fedgate
      otlp:
        enabled: true
        protocol: http
        endpoint: {endpoint}
        batch_processor:
          scheduled_delay: 200ms
"""
ROW = 23  # px per span row (waterfall.py's .row plus its border)


def _ready(spans: list[ReceivedSpan]) -> bool:
    services_seen = {s.service for s in spans if s.service.startswith("subgraph-")}
    return any(s.name == "router" for s in spans) and len(services_seen) == 5


def collect(workdir: Path) -> list[ReceivedSpan]:
    with otlp_receiver() as receiver:
        env = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        }
        config = CONFIG.format(endpoint=receiver.endpoint)
        with services(workdir, env) as urls, gateway(config, workdir, urls) as base:
            answer = httpx.post(base + "/graphql", json={"query": TOP_PRODUCTS}, timeout=30)
            answer.raise_for_status()
            spans = receiver.wait_for(_ready)
    (router,) = [s for s in spans if s.name == "router"]
    return [s for s in spans if s.trace_id == router.trace_id]


def screenshot(page: Path, out: Path, rows: int) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("chromium is not on PATH: run scripts/install-browser.sh")
    argv = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    argv += ["--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={page.parent}"]
    argv += [f"--window-size=1100,{60 + rows * ROW}", f"--screenshot={out}", page.as_uri()]
    subprocess.run(argv, check=True, capture_output=True, timeout=120)


def main() -> None:
    out = ROOT / "docs" / "trace.png"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        spans = collect(workdir)
        page = workdir / "trace.html"
        page.write_text(waterfall(spans, "query TopProducts"))
        screenshot(page, out, len(spans))
    print(f"{out}: {len(spans)} spans")


if __name__ == "__main__":
    main()
