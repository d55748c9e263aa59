"""Suite-wide: which build of the hot modules the tests run (docs/compiled.md).

The suite tests the pure-Python modules unless this tree was built compiled
(``make build-compiled``); the header says which. A stale build (a compiled module's source
changed after it) would test old code under the new source's name: the run stops instead.
"""

from __future__ import annotations

import pytest

from gateway.compiled import compiled_status


def pytest_report_header() -> str:
    return f"fedgate: {compiled_status().summary()}"


def pytest_sessionstart(session: pytest.Session) -> None:
    stale = compiled_status().stale
    if stale:
        names = ", ".join(stale)
        pytest.exit(
            f"compiled from older sources: {names}; run `make build-compiled` again, "
            "or `make clean-compiled` for the pure-Python modules",
            returncode=4,
        )
