"""Which of the hot modules run compiled (mypyc, docs/compiled.md), and whether a build is stale.

``COMPILED`` is the one list of the modules the optional build compiles (``setup.py`` reads it
without importing the package). The default install compiles nothing; a build
(``make build-compiled``, or ``FEDGATE_COMPILE=1 pip install``) puts an extension module
next to each source file, and Python's import system prefers the extension. Nothing here
imports the modules: the answer comes from the files, so ``fedgate --version`` stays cheap.

A stale build (the source edited or merged after it) would run the old code silently, so the
server warns at start-up and the test suite refuses to run (tests/conftest.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

__all__ = ["COMPILED", "CompiledStatus", "compiled_status", "log_compiled_status"]

# The request path's per-field work (docs/benchmarks.md, "Profile under load"), then the
# per-request stages around it. Not gateway/pipeline/gateway.py: a native class takes no weak
# reference (the hot reload's collection check holds one to ``Gateway``), and mypyc refuses
# its async generator (``Gateway.responses``). Not front.py: a class nested in a function.
# Not transport/sharing.py: compiled, it cost instructions (docs/benchmarks.md, "Compiled
# build, served path").
COMPILED = (
    "gateway.context",
    "gateway.execution.errors",
    "gateway.execution.executor",
    # plan time only, but it subclasses shape_compile's ShapeCompiler: an interpreted class
    # cannot inherit from a compiled one
    "gateway.execution.incremental_shape",
    "gateway.execution.merge",
    "gateway.execution.parallel",
    "gateway.execution.rep_codegen",
    "gateway.execution.rep_walk",  # the compiled representation loop (rep_choice.py)
    "gateway.execution.representations",
    "gateway.execution.shape",
    "gateway.execution.shape_codegen",
    "gateway.execution.shape_compile",
    "gateway.execution.shape_walk",  # the compiled shaping walk (shape_choice.py)
    "gateway.execution.subgraph_call",
    "gateway.execution.typematch",
    "gateway.execution.walked",
    "gateway.pipeline.authorize",
    "gateway.server.endpoints",
    "gateway.server.exchange",
    "gateway.server.lean",
    "gateway.server.live",
    "gateway.server.protocol",
    "gateway.telemetry.tracing",
    "gateway.transport.http",
)

_PACKAGE = Path(__file__).resolve().parent
# An install writes a wheel's files one after another (the source may land a little after its
# extension); a source edited or merged after a build is newer by far more.
_SLACK_SECONDS = 2.0
log = logging.getLogger("fedgate.compiled")


@dataclass(frozen=True, slots=True)
class CompiledStatus:
    compiled: tuple[str, ...]  # modules whose extension the import system loads
    stale: tuple[str, ...]  # compiled, but the source is newer than the extension

    def summary(self) -> str:
        if not self.compiled:
            return "pure Python"
        text = f"compiled modules: {len(self.compiled)} of {len(COMPILED)}"
        return f"{text}, {len(self.stale)} stale" if self.stale else text


def compiled_status(package: Path = _PACKAGE) -> CompiledStatus:
    """The ``COMPILED`` modules built as extensions under ``package`` (the ``gateway``
    directory), by the files the import system would pick."""
    compiled: list[str] = []
    stale: list[str] = []
    for name in COMPILED:
        stem = package.joinpath(*name.split(".")[1:])
        extension = _extension(stem)
        if extension is None:
            continue
        compiled.append(name)
        source = stem.with_suffix(".py")
        if source.exists() and source.stat().st_mtime > extension.stat().st_mtime + _SLACK_SECONDS:
            stale.append(name)
    return CompiledStatus(tuple(compiled), tuple(stale))


def log_compiled_status() -> None:
    """One start-up line: pure Python or how many modules run compiled; a warning per stale
    module (rebuild with ``make build-compiled`` or remove with ``make clean-compiled``)."""
    status = compiled_status()
    log.info("fedgate: %s", status.summary())
    for name in status.stale:
        log.warning(
            "fedgate: %s is compiled from an older source: it runs the old code until "
            "`make build-compiled` (or `make clean-compiled`)",
            name,
        )


def _extension(stem: Path) -> Path | None:
    for suffix in EXTENSION_SUFFIXES:
        path = stem.with_name(stem.name + suffix)
        if path.exists():
            return path
    return None
