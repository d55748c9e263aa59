"""``compiled_status``: which ``COMPILED`` modules a package directory has as extensions,
and which of those are older than their source (by the files, as the import system sees
them)."""

from __future__ import annotations

import os
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from gateway.compiled import COMPILED, compiled_status


def _package(root: Path, compiled: tuple[str, ...]) -> Path:
    """A ``gateway`` directory with every ``COMPILED`` source, and an extension file beside
    the sources of ``compiled`` (only its presence counts; nothing is imported)."""
    package = root / "gateway"
    for name in COMPILED:
        source = package.joinpath(*name.split(".")[1:]).with_suffix(".py")
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text("")
        os.utime(source, (1_000_000, 1_000_000))
        if name in compiled:
            source.with_suffix(EXTENSION_SUFFIXES[0]).write_bytes(b"")
    return package


def test_no_extensions_is_pure_python(tmp_path: Path) -> None:
    status = compiled_status(_package(tmp_path, ()))
    assert status.compiled == status.stale == ()
    assert status.summary() == "pure Python"


def test_extensions_are_counted(tmp_path: Path) -> None:
    wanted = ("gateway.context", "gateway.execution.merge")
    status = compiled_status(_package(tmp_path, wanted))
    assert status.compiled == wanted and status.stale == ()
    assert status.summary() == f"compiled modules: 2 of {len(COMPILED)}"


def test_a_source_newer_than_its_extension_is_stale(tmp_path: Path) -> None:
    package = _package(tmp_path, COMPILED)
    merge = package / "execution" / "merge.py"
    extension = merge.with_suffix(EXTENSION_SUFFIXES[0])
    os.utime(extension, (2_000_000, 2_000_000))  # the build
    os.utime(merge, (2_000_001, 2_000_001))  # a wheel install writes files one by one
    assert compiled_status(package).stale == ()
    os.utime(merge, (2_000_600, 2_000_600))  # edited or merged ten minutes later
    status = compiled_status(package)
    assert status.stale == ("gateway.execution.merge",)
    assert status.summary().endswith(", 1 stale")
