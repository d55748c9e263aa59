"""`fedgate compose` / `fedgate check` through the argparse registration."""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path

import pytest

from gateway.composition.cli import register

from .helpers import FIXTURES, fed2

BENCH = FIXTURES / "bench"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="fedgate")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def write_config(tmp_path: Path, **sdls: str) -> Path:
    lines = ["federation_version: =2.9.0", "subgraphs:"]
    for name, sdl in sdls.items():
        (tmp_path / f"{name}.graphql").write_text(sdl)
        lines += [
            f"  {name}:",
            f"    routing_url: http://{name}",
            "    schema:",
            f"      file: ./{name}.graphql",
        ]
    config = tmp_path / "supergraph.yaml"
    config.write_text("\n".join(lines) + "\n")
    return config


def test_compose_writes_the_supergraph(tmp_path: Path) -> None:
    out = tmp_path / "supergraph.graphql"
    assert run("compose", "--config", str(BENCH / "supergraph.yaml"), "--output", str(out)) == 0
    assert out.read_text() == (BENCH / "expected.supergraph.graphql").read_text()


def test_compose_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("compose", "--config", str(BENCH / "supergraph.yaml")) == 0
    assert capsys.readouterr().out == (BENCH / "expected.supergraph.graphql").read_text()


def test_check_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("check", "--config", str(BENCH / "supergraph.yaml")) == 0
    assert "Composition succeeded" in capsys.readouterr().out


def test_check_lists_every_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(
        tmp_path,
        a=fed2('type Query { p: P } type P @key(fields: "nope") { id: ID! }'),
        b=fed2('type Query { q: Int } type P @key(fields: "id") { id: ID! x: Int @external }'),
    )
    assert run("check", "--config", str(config)) == 1
    out = capsys.readouterr().out
    assert "error[KEY_INVALID_FIELDS]" in out
    assert "error[EXTERNAL_UNUSED]" in out
    assert f"--> {tmp_path}/a.graphql:" in out
    assert "fix: " in out
    assert out.rstrip().endswith("2 errors.")


def test_check_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, a=fed2('type Query { q: Int @override(from: "a") }'))
    assert run("check", "--config", str(config), "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    [error] = report["errors"]
    assert error["code"] == "OVERRIDE_FROM_SELF_ERROR"
    assert error["element"] == "Query.q"
    assert error["subgraphs"] == ["a"]
    assert error["locations"] == [f"{tmp_path}/a.graphql:2:21"]


OLD = """
type Query { item(id: ID!): Item  items(filter: Filter): [Item] }
type Item @key(fields: "id") { id: ID! name: String price: Int status: Status }
input Filter { name: String }
enum Status { ON OFF }
"""


@pytest.mark.parametrize(
    ("new", "kind"),
    [
        (OLD.replace("price: Int ", ""), "FIELD_REMOVED"),
        (OLD.replace("price: Int", "price: String"), "FIELD_CHANGED_KIND"),
        (OLD.replace("name: String }", "name: String! }"), "FIELD_CHANGED_KIND"),
        (OLD.replace("item(id: ID!)", "item(id: ID!, v: Int!)"), "REQUIRED_ARG_ADDED"),
        (OLD.replace("ON OFF", "ON"), "VALUE_REMOVED_FROM_ENUM"),
        (
            OLD.replace("input Filter { name: String }", "input Filter { name: String x: Int! }"),
            "REQUIRED_INPUT_FIELD_ADDED",
        ),
    ],
)
def test_check_against_reports_breaking_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new: str, kind: str
) -> None:
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    old_dir.mkdir()
    new_dir.mkdir()
    out = old_dir / "supergraph.graphql"
    assert run("compose", "--config", str(write_config(old_dir, a=fed2(OLD))), "-o", str(out)) == 0
    config = write_config(new_dir, a=fed2(new))
    capsys.readouterr()
    assert run("check", "--config", str(config), "--against", str(out), "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert kind in [c["kind"] for c in report["breaking_changes"]]


def test_check_against_safe_changes_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    old_dir.mkdir()
    new_dir.mkdir()
    out = old_dir / "supergraph.graphql"
    assert run("compose", "--config", str(write_config(old_dir, a=fed2(OLD))), "-o", str(out)) == 0
    new = OLD.replace("price: Int", "price: Int weight: Int").replace("ON OFF", "ON OFF AUTO")
    capsys.readouterr()
    assert (
        run("check", "--config", str(write_config(new_dir, a=fed2(new))), "--against", str(out))
        == 0
    )
    text = capsys.readouterr().out
    assert "Safe changes:" in text and "Item.weight was added." in text
    assert "Breaking changes:" not in text


def test_missing_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("compose", "--config", str(tmp_path / "nope.yaml")) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path}/nope.yaml: cannot read the configuration" in err
    assert "Traceback" not in err


def test_yaml_error_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text("subgraphs:\n  a:\n    routing_url: [oops\n")
    assert run("compose", "--config", str(config)) == 1
    assert f"{config}:4:1: invalid YAML" in capsys.readouterr().err


def test_unreadable_schema_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        textwrap.dedent(
            """\
            subgraphs:
              a:
                routing_url: http://a
                schema:
                  file: ./missing.graphql
            """
        )
    )
    assert run("check", "--config", str(config)) == 1
    assert f"{tmp_path}/missing.graphql: cannot read subgraph 'a'" in capsys.readouterr().out


def test_sdl_syntax_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, a="type Query {\n  a: Int\n  b\n}\n")
    assert run("compose", "--config", str(config)) == 1
    err = capsys.readouterr().err
    assert "error[INVALID_GRAPHQL]: [a] Syntax Error: Expected ':', found '}'." in err
    assert f"--> {tmp_path}/a.graphql:4:1" in err


def test_unreachable_subgraph_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "subgraphs:\n  a:\n    routing_url: http://a\n    schema:\n"
        "      subgraph_url: http://127.0.0.1:9/graphql\n"
    )
    assert run("compose", "--config", str(config)) == 1
    err = capsys.readouterr().err
    assert "subgraph 'a': cannot reach http://127.0.0.1:9/graphql" in err
