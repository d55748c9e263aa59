"""The README's example query (its first ```graphql block, which tests/e2e/test_demo.py runs
against the demo) crosses at least three services, as the README promises (all five)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.cli import main
from subgraphs import SERVICE_NAMES
from tests.e2e.demo import readme_graphql_blocks
from tests.e2e.processes import ROOT


def test_readme_has_an_example_query_then_a_mutation() -> None:
    blocks = readme_graphql_blocks()
    assert len(blocks) >= 2
    assert blocks[0].lstrip().startswith(("query", "{"))
    assert blocks[1].lstrip().startswith("mutation")


def test_readme_example_query_crosses_every_service(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = tmp_path / "example.graphql"
    query.write_text(readme_graphql_blocks()[0])
    supergraph = ROOT / "schema" / "supergraph.graphql"
    # `fedgate plan --supergraph schema/supergraph.graphql example.graphql`
    assert main(["plan", "--supergraph", str(supergraph), str(query)]) == 0
    plan = capsys.readouterr().out
    services = set(re.findall(r'Fetch\(service: "([^"]+)"\)', plan))
    assert len(services) >= 3, plan
    # The README's text says "This query crosses all five".
    assert services == set(SERVICE_NAMES), plan


def _yaml_block(path: Path, heading: str) -> str:
    text = path.read_text()
    section = text[text.index(heading) :]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    return block.group(1)


def test_readme_configuration_example_loads(tmp_path: Path) -> None:
    from gateway.config import load_config

    path = tmp_path / "router.yaml"
    path.write_text(_yaml_block(ROOT / "README.md", "## Configuration"))
    config = load_config(path, environ={}, subgraph_names=["accounts"])
    assert config.subgraph_urls == {"accounts": "http://accounts:4001/graphql"}
    assert config.host_port == ("0.0.0.0", 4000)
    assert config.batch_fetches and config.share_inflight_requests
    assert not config.share_inflight_client_requests and not config.introspection
    assert not config.headers.empty
    assert config.cors.policies[0].origins == ("https://app.example.com",)


def test_docs_configuration_example_loads_and_validates(tmp_path: Path) -> None:
    from gateway.config import load_config

    path = tmp_path / "router.yaml"
    path.write_text(_yaml_block(ROOT / "docs" / "configuration.md", "## A complete example"))
    config = load_config(path, environ={})
    assert config.subgraph_urls["accounts"] == "http://accounts:4001/graphql"
    assert config.introspection and config.graphiql
    assert config.include_subgraph_errors.included("accounts")
    assert main(["config", "validate", str(path)]) == 0
