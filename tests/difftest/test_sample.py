"""A bounded differential sample over the whole corpus (``make test``; ``make difftest`` runs
the full one): fedgate must never be the odd one out (its answer differs where Hive Router's
planner and Apollo Gateway agree).

Cases listed in ``known_failures.txt`` (one ``<case id> <reason>`` a line) are known, open
differences: they are skipped here, and ``test_known_failures_still_fail`` fails on an entry
the sample no longer finds, so the list stays honest (remove the line once a fix lands).
Needs Node and the oracle's packages (``scripts/install-oracle.sh``), else skips and says why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import Harness
from .references import unavailable
from .runner import CaseReport, run_case
from .sources import ROOT, Case, discover

pytestmark = pytest.mark.node

OPS = 10  # random operations per case (plus the case's hand-picked ones)
SEED = 1
KNOWN = Path(__file__).with_name("known_failures.txt")
REASON_FILE = ROOT / ".venv" / "oracle-install-reason.txt"


def known_failures() -> dict[str, str]:
    known: dict[str, str] = {}
    for line in KNOWN.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            case, _, reason = line.partition(" ")
            known[case] = reason.strip()
    return known


def _skip_reason() -> str | None:
    reason = unavailable()
    if reason and REASON_FILE.is_file():
        reason += f" ({REASON_FILE.read_text().strip()})"
    return reason


class _Session:
    """One event loop and one harness (data server, Node references, fedgate) for the module."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.harness = Harness()
        self.loop.run_until_complete(self.harness.__aenter__())
        self.reports: dict[str, CaseReport] = {}

    def run(self, case: Case) -> CaseReport:
        if case.id not in self.reports:
            report = self.loop.run_until_complete(run_case(self.harness, case, OPS, SEED))
            self.reports[case.id] = report
        return self.reports[case.id]

    def close(self) -> None:
        self.loop.run_until_complete(self.harness.__aexit__(None, None, None))
        self.loop.close()


@pytest.fixture(scope="module")
def session() -> Iterator[_Session]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    running = _Session()
    try:
        yield running
    finally:
        running.close()


def _describe(report: CaseReport) -> str:
    lines = [f"{report.case}: fedgate odd one out in {report.odd} of {report.ops} operations"]
    for op, judged in report.findings[:3]:
        mode = judged.verdict.modes[0]
        lines += [
            f"--- {' '.join(op.text.split())}  variables={op.variables}",
            f"    references: {judged.verdict.agreed}",
            f"    fedgate ({mode}): {judged.bodies[mode]}",
        ]
    lines.append(
        f"reproduce: python -m tests.difftest run --case {report.case} --ops {OPS} --seed {SEED} -v"
    )
    return "\n".join(lines)


CASES = discover()
KNOWN_FAILURES = known_failures()


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.id not in KNOWN_FAILURES], ids=lambda c: c.id
)
def test_fedgate_is_never_the_odd_one_out(case: Case, session: _Session) -> None:
    report = session.run(case)
    assert report.ops > 0 or report.note, f"{case.id}: no operation generated"
    assert report.odd == 0, _describe(report)


@pytest.mark.parametrize("case", [c for c in CASES if c.id in KNOWN_FAILURES], ids=lambda c: c.id)
def test_known_failures_still_fail(case: Case, session: _Session) -> None:
    report = session.run(case)
    assert report.odd > 0, (
        f"{case.id} is listed in known_failures.txt ({KNOWN_FAILURES[case.id]}) but the sample "
        "finds no difference any more: remove the line"
    )


def test_known_failures_name_real_cases() -> None:
    ids = {c.id for c in CASES}
    assert set(KNOWN_FAILURES) <= ids, sorted(set(KNOWN_FAILURES) - ids)
