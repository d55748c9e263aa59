"""Which shaping functions a plan gets: the compiled walker (``shape_walk.py``) where that
module runs compiled, else the generated Python functions (``shape_codegen.py``, with the
fast functions of ``shape_fast.py`` in front).

Decided once per process, by the module the import system loaded (an extension module in
the compiled build, docs/compiled.md): interpreted, the walker's loop costs more than the
generated code; compiled, less. ``shape_walk`` is imported here, at plan time, and not by
``shape_compile.py``: it imports ``shape.py``, which imports ``shape_compile``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import shape_codegen
from .shape_codegen import ShapeFn

if TYPE_CHECKING:
    from .shape_compile import FieldShape
    from .shape_fast import FastFn

__all__ = ["generate", "generate_fast", "walking"]

_walking: bool | None = None


def walking() -> bool:
    """Whether the plans shape with the compiled walker (``shape_walk`` is compiled)."""
    global _walking
    if _walking is None:
        from . import shape_walk

        _walking = not shape_walk.__file__.endswith(".py")
    return _walking


def generate(fields: Sequence[FieldShape]) -> ShapeFn:
    """The shaping function of one object's field list."""
    if walking():
        from .shape_walk import walker

        return walker(fields)
    return shape_codegen.generate(fields)


def generate_fast(fields: Sequence[FieldShape]) -> FastFn | None:
    """The fast function of one object's field list. With the compiled walker, the walker's
    own fast walk (``Walker.fast``): the interpreted fast function costs more than the
    walker it would stand in front of (docs/benchmarks.md, "Response shaping: a fast
    function per object"), the compiled one less ("Compiled build, served path")."""
    if walking():
        from .shape_walk import fast_walker

        return fast_walker(fields)
    from .shape_fast import generate_fast as generated

    return generated(fields)
