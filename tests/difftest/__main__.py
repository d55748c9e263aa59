"""``python -m tests.difftest run [--case GLOB] [--ops N] [--seed S] [--shrink]``.

Prints per case: operations sent, how often fedgate was the odd one out, how often the
references disagreed, other differences, key-order findings; then a total line. Exit status 1
when fedgate was the odd one out anywhere, 2 when the references cannot run here.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from .compare import outcome
from .dataserver import DataServer
from .generator import Operation
from .harness import Harness
from .references import unavailable
from .regressions import read_all, replay_one, set_expected, set_xfail
from .runner import CaseReport, run_case, summary
from .sources import discover


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.difftest")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="differential run over the corpus")
    run.add_argument("--case", default="*", help="glob(s) over case ids, comma-separated")
    run.add_argument("--ops", type=int, default=50, help="random operations per case")
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--shrink", action="store_true", help="shrink findings, write regressions")
    run.add_argument(
        "--no-conditions", action="store_true", help="generate no @skip/@include directives"
    )
    run.add_argument("-v", "--verbose", action="store_true", help="print each finding")
    replay = sub.add_parser("replay", help="replay the regression files against fedgate")
    replay.add_argument(
        "--mark",
        action="store_true",
        help="set xfail (the class label) on failing files, drop it from passing ones",
    )
    sub.add_parser(
        "refresh",
        help="ask both references again for every regression; rewrite 'expected' where they "
        "agree on another answer than the file holds",
    )
    args = parser.parse_args(argv)
    if args.command == "replay":
        return asyncio.run(_replay(args.mark))
    reason = unavailable()
    if reason:
        print(f"difftest: {reason}", file=sys.stderr)
        return 2
    if args.command == "refresh":
        return asyncio.run(_refresh())
    cases = discover(args.case)
    if not cases:
        print(f"difftest: no case matches {args.case!r}", file=sys.stderr)
        return 2
    reports = asyncio.run(_run(cases, args))
    print(summary(reports))
    return 1 if any(r.odd for r in reports) else 0


async def _run(cases: list, args: argparse.Namespace) -> list[CaseReport]:  # type: ignore[type-arg]
    reports = []
    async with Harness() as harness:
        for case in cases:
            report = await run_case(
                harness,
                case,
                args.ops,
                args.seed,
                do_shrink=args.shrink,
                conditions=not args.no_conditions,
            )
            reports.append(report)
            print(
                f"... {case.id}: {report.ops} ops, {report.odd} odd ({report.seconds:.1f}s)",
                file=sys.stderr,
                flush=True,
            )
            if args.verbose:
                for op, judged in report.findings[:3]:
                    print(
                        f"--- {case.id} odd in {judged.verdict.modes}\n{op.text}\n"
                        f"    refs:    {judged.bodies.get('hive')}\n"
                        f"    fedgate: {judged.bodies.get(judged.verdict.modes[0])}",
                        file=sys.stderr,
                    )
                for op, judged in report.others[:3]:
                    bodies = judged.bodies
                    print(
                        f"--- {case.id} other\n{op.text}\n    variables: {op.variables}\n"
                        f"    hive:    {bodies.get('hive')}\n"
                        f"    apollo:  {bodies.get('apollo')}\n"
                        + "".join(
                            f"    {mode}: {bodies[mode]}\n"
                            for mode in bodies
                            if mode not in ("hive", "apollo")
                        ),
                        file=sys.stderr,
                    )
    return reports


async def _replay(mark: bool) -> int:
    """Replays without Node (like test_regressions.py); ``--mark`` rewrites the xfail fields."""
    failing = 0
    with DataServer() as data:
        for name, record in read_all():
            ok = await replay_one(data, record)
            failing += not ok
            state = "pass" if ok else "FAIL"
            print(f"{state} {name}  {record.get('class', '')}")
            if mark:
                set_xfail(name, None if ok else record.get("class", "still fails"))
    print(f"{failing} failing of {len(read_all())}")
    return 1 if failing else 0


async def _refresh() -> int:
    """A regression's answer is the references' answer when it was written; where the data
    rules or the supergraph changed since, the file's answer is stale: ask them again."""
    changed = 0
    async with Harness() as harness:
        for name, record in read_all():
            cases = discover(record["case"])
            if not cases:
                continue
            await harness.load(cases[0])
            op = Operation(record["operation"], record["variables"])
            hive = outcome(await harness.reference_answer("hive", record["case"], op))
            apollo = outcome(await harness.reference_answer("apollo", record["case"], op))
            if hive != apollo or hive.failed:
                print(f"refs≠ {name}")
                continue
            if hive.as_json() != record["expected"]:
                changed += 1
                set_expected(name, hive.as_json())
                print(f"refreshed {name}")
    print(f"{changed} regression answers refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
