"""Generated Python source compiled once per text, for the executor's code generators.

``shape_codegen`` and ``rep_codegen`` generate a function's source per selection when a plan
is compiled; the same selection (a fragment used at several places, the same operation planned
again after a reload) gives the same text, and compiling it is most of the generation's cost.
Each generator keeps its own ``SourceCache`` (its own file name in tracebacks, its own bound).
"""

from __future__ import annotations

from types import CodeType

__all__ = ["SourceCache"]


class SourceCache:
    """Code objects by source text, at most ``limit`` of them (the oldest goes first)."""

    def __init__(self, filename: str, limit: int) -> None:
        self._filename = filename
        self._limit = limit
        self._code: dict[str, CodeType] = {}

    def compiled(self, source: str) -> CodeType:
        code = self._code.get(source)
        if code is None:
            code = compile(source, self._filename, "exec")
            if len(self._code) >= self._limit:
                del self._code[next(iter(self._code))]  # a bounded cache, not a leak
            self._code[source] = code
        return code

    def fresh(self, source: str) -> CodeType:
        """``compiled(source)`` as a code object of its own (its nested code objects too),
        for a function with a globals dict of its own.

        Why: CPython 3.11 specialises each ``LOAD_GLOBAL`` in a code object for one globals
        dict; functions generated from the same text, each with its own names bound in its
        own globals (child functions, shapes), would share one code object whose global
        loads keep missing and fall back to generic lookups (the shaping micro-benchmark:
        15 % more instructions). A copy is cheap next to compiling the text again."""
        return _copied(self.compiled(source))

    def __len__(self) -> int:
        return len(self._code)


def _copied(code: CodeType) -> CodeType:
    consts = tuple(_copied(c) if isinstance(c, CodeType) else c for c in code.co_consts)
    return code.replace(co_consts=consts)
