"""The optional compiled build (docs/compiled.md); the metadata lives in pyproject.toml.

By default this adds nothing: the install is pure Python and needs no compiler. With
``FEDGATE_COMPILE=1`` the modules listed in ``gateway/compiled.py`` (``COMPILED``) are
compiled by mypyc into extension modules next to their sources. mypyc type-checks them with
the project's mypy settings, so the build needs mypy and the runtime dependencies installed
where it runs (``pip install --no-build-isolation``, or ``make build-compiled`` in the venv).
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent


def compiled_modules() -> list[str]:
    """``COMPILED`` from gateway/compiled.py, read without importing the package."""
    tree = ast.parse((HERE / "gateway" / "compiled.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "COMPILED" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    raise SystemExit("gateway/compiled.py has no COMPILED list")


def ext_modules() -> list[object]:
    if os.environ.get("FEDGATE_COMPILE", "").strip().lower() not in ("1", "true", "yes", "on"):
        return []
    from mypyc.build import mypycify

    paths = [str(Path(*name.split(".")).with_suffix(".py")) for name in compiled_modules()]
    # mypyc puts the compiled code in one shared library the modules' extensions import:
    # named, it lands in the package (gateway/compiled__mypyc.*.so), where an editable
    # install finds it too (a top-level one would not be on the path)
    return list(mypycify(paths, group_name="gateway.compiled"))


setup(ext_modules=ext_modules())
