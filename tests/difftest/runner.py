"""Run the differential tester over cases: generate, judge, count, shrink, record."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .classify import classify, signature
from .compare import outcome
from .generator import Generator, Operation
from .harness import Harness, Judged
from .regressions import read_all, write
from .shrink import shrink
from .sources import Case

__all__ = ["CaseReport", "run_case", "summary"]

_SHRINK = 6  # findings shrunk per case: they are mostly of one or two classes
_PER_CLASS = 2  # regression files kept per (case, class label)


@dataclass
class CaseReport:
    case: str
    ops: int = 0
    odd: int = 0
    refs_disagree: int = 0
    other: int = 0
    refs_wrong: int = 0  # known deviations of both references from the spec (spec.py)
    key_order: int = 0
    note: str = ""
    seconds: float = 0.0
    findings: list[tuple[Operation, Judged]] = field(default_factory=list)
    # the references differ and fedgate follows neither: printed with --verbose, to triage
    others: list[tuple[Operation, Judged]] = field(default_factory=list)
    regressions: list[str] = field(default_factory=list)


def operations(
    case: Case, schema: Any, count: int, seed: int, *, conditions: bool = True
) -> list[Operation]:
    """The case's hand-picked operations, then ``count`` random ones (seeded per case)."""
    ops = [Operation(q.text) for q in case.queries]
    generator = Generator(schema, conditions=conditions)
    for i in range(count):
        op = generator.generate(random.Random(f"{case.id}:{seed}:{i}"))
        if op is not None:
            ops.append(op)
    return ops


async def run_case(
    harness: Harness,
    case: Case,
    count: int,
    seed: int,
    *,
    do_shrink: bool = False,
    conditions: bool = True,
) -> CaseReport:
    started = time.monotonic()
    report = CaseReport(case.id)
    try:
        loaded = await harness.load(case)
    except Exception as error:  # a supergraph the data server cannot serve: say so, go on
        report.note = f"not run: {type(error).__name__}: {error}"[:300]
        return report
    if loaded.refused:
        report.note = f"fedgate refuses the supergraph: {loaded.refused}"[:300]
    for op in operations(case, loaded.schema, count, seed, conditions=conditions):
        judged = await harness.judge(case.id, op)
        report.ops += 1
        kind = judged.verdict.kind
        report.key_order += judged.key_order
        if kind == "odd":
            report.odd += 1
            report.findings.append((op, judged))
        elif kind == "refs_disagree":
            report.refs_disagree += 1
        elif kind == "other":
            report.other += 1
            report.others.append((op, judged))
        elif kind == "refs_wrong":
            report.refs_wrong += 1
    if do_shrink:
        await _record(harness, case, report, seed)
    report.seconds = time.monotonic() - started
    return report


async def _record(harness: Harness, case: Case, report: CaseReport, seed: int) -> None:
    """Shrink up to ``_SHRINK`` findings; write those of a new shape, at most
    ``_PER_CLASS`` per (case, class label)."""
    existing = [r for _, r in read_all() if r["case"] == case.id]
    shapes = {signature(r["operation"]) for r in existing}
    labels = Counter(r.get("class") for r in existing)
    for op, judged in report.findings[:_SHRINK]:
        small, final = await shrink_finding(harness, case.id, op, judged)
        modes = final.verdict.modes
        assert final.verdict.agreed is not None
        expected = final.verdict.agreed.as_json()
        fedgate = {m: final.bodies[m] for m in modes}
        label = classify(expected, fedgate[modes[0]])
        if signature(small.text) in shapes or labels[label] >= _PER_CLASS:
            continue
        if label.startswith("transport"):
            continue
        shapes.add(signature(small.text))
        labels[label] += 1
        found = f"python -m tests.difftest run --case {case.id} --seed {seed} --shrink"
        path = write(case.id, case.path, small, modes, expected, fedgate, found, label)
        report.regressions.append(path.name)


async def shrink_finding(
    harness: Harness, case: str, op: Operation, judged: Judged
) -> tuple[Operation, Judged]:
    """Shrink while fedgate stays the odd one out in the same way (errors or not, per side)."""
    want = _signature(judged)
    last: dict[str, Judged] = {op.key(): judged}

    async def holds(candidate: Operation) -> bool:
        if not harness.is_valid(case, candidate):
            return False
        result = await harness.judge(case, candidate)
        if result.verdict.kind != "odd" or _signature(result) != want:
            return False
        last[candidate.key()] = result
        return True

    small = await shrink(op, holds)
    return small, last[small.key()]


def _signature(judged: Judged) -> tuple[Any, ...]:
    agreed = judged.verdict.agreed
    modes = judged.verdict.modes
    return (
        agreed.errors if agreed else None,
        tuple(outcome(judged.bodies[m]).errors for m in modes),
        modes,
    )


def summary(reports: list[CaseReport]) -> str:
    head = f"{'ops':>5} {'odd':>5} {'refs≠':>6} {'other':>6} {'spec':>5} {'order':>6}"
    lines = [f"{'case':44} {head}  note"]
    for r in reports:
        note = r.note or ", ".join(r.regressions)
        counts = f"{r.ops:5} {r.odd:5} {r.refs_disagree:6} {r.other:6} {r.refs_wrong:5} "
        counts += f"{r.key_order:6}"
        lines.append(f"{r.case:44} {counts}  {note}")
    total = CaseReport("TOTAL")
    for r in reports:
        total.ops += r.ops
        total.odd += r.odd
        total.refs_disagree += r.refs_disagree
        total.other += r.other
        total.refs_wrong += r.refs_wrong
        total.key_order += r.key_order
    odd_cases = sum(1 for r in reports if r.odd)
    lines.append(
        f"{'TOTAL':44} {total.ops:5} {total.odd:5} {total.refs_disagree:6} {total.other:6} "
        f"{total.refs_wrong:5} {total.key_order:6}  "
        f"fedgate odd one out in {odd_cases} of {len(reports)} cases"
    )
    return "\n".join(lines)
