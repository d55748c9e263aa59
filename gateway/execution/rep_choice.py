"""Which representation loop an entity fetch gets: the compiled one (``rep_walk.py``) where
that module runs compiled, else the generated Python loop (``rep_codegen.py``).

Decided once per process, by the module the import system loaded (an extension module in
the compiled build, docs/compiled.md): interpreted, ``rep_walk``'s loop costs more than the
generated one; compiled, less.
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.planner.plan import FetchRewrite

from . import rep_codegen, rep_walk
from .rep_codegen import Filler
from .representations import RepBuilder
from .typematch import TypeMatcher

__all__ = ["filler", "walking"]

_walking: bool | None = None


def walking() -> bool:
    """Whether entity fetches use the compiled loop (``rep_walk`` is compiled)."""
    global _walking
    if _walking is None:
        _walking = not rep_walk.__file__.endswith(".py")
    return _walking


def filler(builder: RepBuilder, rewrites: Sequence[FetchRewrite], matcher: TypeMatcher) -> Filler:
    """An entity fetch's representation loop (``rep_codegen.filler``'s)."""
    if walking():
        fill = rep_walk.flat_fill(builder, rewrites, matcher)
        if fill is not None:
            return fill
    return rep_codegen.filler(builder, rewrites, matcher)
