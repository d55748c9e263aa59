"""``fedgate plan``: prints the plan; bad input is a clear error and exit code 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures"
SUPERGRAPH = str(FIXTURES / "bench_supergraph.graphql")


def test_plan_of_the_heavy_benchmark_query(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--supergraph", SUPERGRAPH, str(FIXTURES / "heavy.graphql")]) == 0
    assert capsys.readouterr().out == (FIXTURES / "heavy.plan.txt").read_text()


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["plan", "--supergraph", SUPERGRAPH, str(tmp_path / "nope.graphql")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_invalid_query_has_location(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    query = tmp_path / "q.graphql"
    query.write_text("{\n  me { nope }\n}\n")
    assert main(["plan", "--supergraph", SUPERGRAPH, str(query)]) == 1
    err = capsys.readouterr().err
    assert f"{query}:2:8: GRAPHQL_VALIDATION_FAILED" in err
    assert "nope" in err


def test_syntax_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    query = tmp_path / "q.graphql"
    query.write_text("{ me { ")
    assert main(["plan", "--supergraph", SUPERGRAPH, str(query)]) == 1
    assert "GRAPHQL_PARSE_FAILED" in capsys.readouterr().err


def test_override_label_plans_the_new_owner(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from .harness import supergraph
    from .test_override import PROGRESSIVE_A, PROGRESSIVE_B

    sdl = tmp_path / "supergraph.graphql"
    sdl.write_text(supergraph(a=PROGRESSIVE_A, b=PROGRESSIVE_B).sdl)
    query = tmp_path / "q.graphql"
    query.write_text("{ topStock { stock price } }")
    assert main(["plan", "--supergraph", str(sdl), str(query)]) == 0
    assert 'Fetch(service: "a")' in capsys.readouterr().out  # off: back to the old owner
    argv = ["plan", "--supergraph", str(sdl), str(query), "--override-label", "percent(10)"]
    assert main(argv) == 0
    assert 'Fetch(service: "a")' not in capsys.readouterr().out


def test_operation_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO((FIXTURES / "heavy.graphql").read_text()))
    assert main(["plan", "--supergraph", SUPERGRAPH, "-"]) == 0
    assert capsys.readouterr().out == (FIXTURES / "heavy.plan.txt").read_text()
