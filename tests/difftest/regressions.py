"""Regression files: one shrunk operation where fedgate was the odd one out.

``tests/difftest/regressions/<case>-<shorthash>.json``::

    {"case": "planner-0173...", "supergraph": "tests/planner/supergraphs/0173....graphql",
     "operation": "{ ... }", "variables": {}, "modes": ["batch"],
     "expected": {"data": {...}, "errors": false},   # what Hive and Apollo both answered
     "fedgate": {"batch": {...}},                      # what fedgate answered when found
     "found": "python -m tests.difftest run --case ... --seed ...",
     "class": "1: empty selection set sent to a subgraph",   # a first guess, for triage
     "xfail": "reason",                                # optional: still failing, known
     "spec": {"answer": {"data": ..., "errors": false},  # optional: both references are
              "reason": "..."}}                          # wrong per the spec; fedgate must
                                                         # answer this instead of "expected"

``test_regressions.py`` replays each file against fedgate and the data server only.
``expected_of`` is the answer fedgate must give: the spec's where a file has one (see
``docs/decisions/0015-references-against-the-spec.md``), else the references'.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .compare import outcome
from .data import digest
from .dataserver import DataServer
from .fedgate import MODES, Fedgate
from .generator import Operation
from .sources import ROOT

__all__ = [
    "REGRESSIONS",
    "expected_of",
    "read_all",
    "replay",
    "replay_one",
    "set_expected",
    "set_xfail",
    "spec_answers",
    "write",
]

REGRESSIONS = Path(__file__).resolve().parent / "regressions"


def write(
    case: str,
    supergraph: str,
    operation: Operation,
    modes: tuple[str, ...],
    expected: dict[str, Any],
    fedgate: dict[str, Any],
    found: str,
    label: str,
) -> Path:
    REGRESSIONS.mkdir(exist_ok=True)
    short = f"{digest(case, operation.key()) % 16**8:08x}"
    path = REGRESSIONS / f"{case}-{short}.json"
    record = {
        "case": case,
        "supergraph": supergraph,
        "operation": operation.text,
        "variables": operation.variables,
        "modes": list(modes),
        "expected": expected,
        "fedgate": fedgate,
        "found": found,
        "class": label,
    }
    if path.is_file():
        old = json.loads(path.read_text(encoding="utf-8"))
        for kept in ("xfail", "spec"):
            if kept in old:
                record[kept] = old[kept]
    path.write_text(json.dumps(record, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def read_all() -> list[tuple[str, dict[str, Any]]]:
    if not REGRESSIONS.is_dir():
        return []
    return [
        (p.stem, json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(REGRESSIONS.glob("*.json"))
    ]


async def replay(data: DataServer, record: dict[str, Any]) -> dict[str, Any]:
    """fedgate's answers (per mode) to a regression's operation, over the data server."""
    sdl = (ROOT / record["supergraph"]).read_text(encoding="utf-8")
    routed = data.routed.get(record["case"]) or data.add(record["case"], sdl)[0]
    fedgate = Fedgate()
    try:
        refused = fedgate.load(record["case"], routed)
        if refused is not None:
            return {mode: {"data": None, "errors": [{"message": refused}]} for mode in MODES}
        case, text, variables = record["case"], record["operation"], record["variables"]
        return {mode: await fedgate.execute(mode, case, text, variables) for mode in MODES}
    finally:
        await fedgate.close()


def expected_of(record: dict[str, Any]) -> dict[str, Any]:
    """The answer fedgate must give: the spec's where both references are wrong, else theirs."""
    spec = record.get("spec")
    return dict(spec["answer"]) if spec else dict(record["expected"])


def spec_answers() -> dict[tuple[str, str], dict[str, Any]]:
    """(case, operation key) -> the spec's answer, for the known reference deviations: the
    verdict counts fedgate giving that answer as "references wrong (spec)", not odd one out."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for _, record in read_all():
        if "spec" in record:
            op = Operation(record["operation"], record["variables"])
            out[(record["case"], op.key())] = record["spec"]["answer"]
    return out


async def replay_one(data: DataServer, record: dict[str, Any]) -> bool:
    expected = expected_of(record)
    answers = await replay(data, record)
    return all(
        (outcome(body).data, outcome(body).errors) == (expected["data"], expected["errors"])
        for body in answers.values()
    )


def set_expected(name: str, expected: dict[str, Any]) -> None:
    """Rewrite the references' answer (``refresh``: both references asked again agree)."""
    path = REGRESSIONS / f"{name}.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["expected"] = expected
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def set_xfail(name: str, reason: str | None) -> None:
    path = REGRESSIONS / f"{name}.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record.pop("xfail", None)
    if reason is not None:
        record["xfail"] = reason
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
