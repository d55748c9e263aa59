"""The differential harness: one data server, the Node references and fedgate, per run.

``judge`` sends one operation to fedgate (both modes) and Hive Router's planner, asks Apollo
Gateway only where they differ (it decides who is the odd one out), and returns the verdict.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLSchema

from .compare import Outcome, Verdict, key_order_differs, outcome, verdict
from .dataserver import DataServer
from .fedgate import MODES, Fedgate
from .generator import Operation, is_valid
from .references import ORACLE, References
from .regressions import spec_answers
from .sources import Case
from .spec import interface_objects, recognised

__all__ = ["Harness", "Judged", "Loaded"]


@dataclass(frozen=True, slots=True)
class Loaded:
    case: Case
    schema: GraphQLSchema
    refused: str | None  # fedgate refused the supergraph (every answer is then an error)
    iface_objects: frozenset[str] = frozenset()  # interfaces served as @interfaceObject


@dataclass(frozen=True, slots=True)
class Judged:
    verdict: Verdict
    bodies: dict[str, Any] = field(default_factory=dict)
    key_order: bool = False


class Harness:
    def __init__(self, *, references: bool = True) -> None:
        self.data = DataServer()
        self.fedgate = Fedgate()
        log = ORACLE / "refs.log"
        self.references: References | None = References(log=log) if references else None
        self.loaded: dict[str, Loaded] = {}
        self.routed: dict[str, str] = {}
        self.restarts = 0
        # the listed reference deviations (regression files with a "spec" answer)
        self.spec_answers = spec_answers()

    async def __aenter__(self) -> Harness:
        self.data.start()
        if self.references is not None:
            await self.references.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.references is not None:
            await self.references.close()
        await self.fedgate.close()
        self.data.stop()

    async def load(self, case: Case) -> Loaded:
        if case.id not in self.loaded:
            routed, supergraph = self.data.add(case.id, case.sdl)
            refused = self.fedgate.load(case.id, routed)
            self.routed[case.id] = routed
            if self.references is not None:
                await self.references.load(case.id, routed)
            iface = interface_objects(case.sdl)
            self.loaded[case.id] = Loaded(case, supergraph.api_schema, refused, iface)
        return self.loaded[case.id]

    async def fedgate_answer(self, case: str, mode: str, op: Operation) -> dict[str, Any]:
        refused = self.loaded[case].refused
        if refused is not None:
            return {"data": None, "errors": [{"message": refused}]}
        return await self.fedgate.execute(mode, case, op.text, op.variables)

    async def reference_answer(self, ref: str, case: str, op: Operation) -> dict[str, Any]:
        assert self.references is not None
        try:
            return await self.references.execute(ref, case, op.text, op.variables)
        except (RuntimeError, TimeoutError) as error:
            if not self.references.alive:
                await self._restart_references()
            message = f"{ref} failed: {type(error).__name__}: {error}"[:2000]
            return {"data": None, "errors": [{"message": message}], "failed": True}

    async def _restart_references(self) -> None:
        """A reference crashed Node (a panic in the native planner, say): start it again,
        so the rest of the run still has references (see oracle/refs.log)."""
        assert self.references is not None
        self.restarts += 1
        await self.references.close()
        await self.references.start()
        for case, routed in self.routed.items():
            await self.references.load(case, routed)

    async def judge(self, case: str, op: Operation) -> Judged:
        answers = await asyncio.gather(
            self.reference_answer("hive", case, op),
            *(self.fedgate_answer(case, mode, op) for mode in MODES),
        )
        bodies: dict[str, Any] = {"hive": answers[0], **dict(zip(MODES, answers[1:], strict=True))}
        hive = outcome(bodies["hive"])
        fedgate = {mode: outcome(bodies[mode]) for mode in MODES}
        apollo: Outcome | None = None
        if any(o != hive for o in fedgate.values()):
            bodies["apollo"] = await self.reference_answer("apollo", case, op)
            apollo = outcome(bodies["apollo"])
        result = verdict(fedgate, hive, apollo)
        if result.kind == "odd" and self._references_wrong(case, op, fedgate, hive):
            result = Verdict("refs_wrong")
        order = result.kind == "agree" and any(
            key_order_differs(fedgate[m].data, hive.data) for m in MODES
        )
        return Judged(result, bodies, order)

    def _references_wrong(
        self, case: str, op: Operation, fedgate: dict[str, Outcome], refs: Outcome
    ) -> bool:
        """A known deviation of both references from the spec, fedgate answering the spec's
        answer in every mode (``spec.py``)."""
        listed = self.spec_answers.get((case, op.key()))
        if listed is not None:
            want = Outcome(listed["data"], listed["errors"])
            return all(o == want for o in fedgate.values())
        loaded = self.loaded[case]
        return all(
            recognised(loaded.schema, loaded.iface_objects, op.text, o, refs)
            for o in fedgate.values()
        )

    def is_valid(self, case: str, op: Operation) -> bool:
        return is_valid(self.loaded[case].schema, op.text)
