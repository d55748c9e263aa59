"""The configuration examples of docs/demand-control.md, docs/persisted-queries.md and
docs/rate-limits.md load as they are written, and the demo's supergraph has real costs."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import OperationDefinitionNode, parse

from gateway.config import load_config
from gateway.config.edge_model import ClientKey
from gateway.edge.cost import CostModel
from gateway.edge.cost_directives import cost_directives
from gateway.edge.manifest import load_manifests
from gateway.supergraph import load_supergraph

ROOT = Path(__file__).parent.parent.parent


def blocks(doc: str, language: str) -> list[str]:
    text = (ROOT / "docs" / doc).read_text()
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_the_demand_control_example_loads(tmp_path: Path) -> None:
    yaml, per_subgraph = blocks("demand-control.md", "yaml")
    config = load_config(_write(tmp_path, "dc.yaml", yaml), environ={})
    assert config.edge is not None and config.edge.demand_control is not None
    assert config.edge.demand_control.max == 1000
    assert config.edge.demand_control.expose_in_extensions
    assert config.edge.demand_control.actual_cost_mode == "by_subgraph"
    config = load_config(_write(tmp_path, "dcs.yaml", per_subgraph), environ={})
    assert config.edge is not None and config.edge.demand_control is not None
    limits = config.edge.demand_control.subgraph
    assert limits is not None
    assert (limits.max_for("shipping"), limits.max_for("shop")) == (5, 500)
    assert (limits.list_size_for("shipping", 10), limits.list_size_for("shop", 10)) == (2, 10)


def test_the_persisted_queries_examples_load(tmp_path: Path) -> None:
    apq, persisted = blocks("persisted-queries.md", "yaml")
    assert load_config(_write(tmp_path, "apq.yaml", apq), environ={}).edge is not None
    [manifest] = blocks("persisted-queries.md", "json")
    (tmp_path / "persisted-queries.json").write_text(manifest)
    yaml = persisted.replace("persisted-queries.json", str(tmp_path / "persisted-queries.json"))
    config = load_config(_write(tmp_path, "pq.yaml", yaml), environ={})
    assert config.edge is not None and config.edge.persisted_queries.safelist
    assert dict(load_manifests(config.edge.persisted_queries.manifests).by_id) == {
        "<id>": "query Top { ... }"
    }


def test_the_rate_limit_examples_load(tmp_path: Path) -> None:
    limits, access = blocks("rate-limits.md", "yaml")
    config = load_config(_write(tmp_path, "rl.yaml", limits), environ={})
    edge = config.edge
    assert edge is not None and edge.client_rate_limit is not None
    assert edge.client_rate_limit.key == ClientKey("header", "x-api-key")
    assert edge.subgraph_limit("inventory") is not None
    assert edge.subgraph_limit("inventory").capacity == 50  # type: ignore[union-attr]
    assert edge.subgraph_limit("products").capacity == 200  # type: ignore[union-attr]
    access_config = load_config(_write(tmp_path, "ac.yaml", access), environ={})
    assert access_config.edge is not None and access_config.edge.access is not None


def test_the_demo_supergraph_costs_its_lists() -> None:
    supergraph = load_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())
    model = CostModel(supergraph.api_schema, cost_directives(supergraph.sdl), 10)
    [operation] = parse("{ topProducts { reviews { author { id } } } }").definitions
    assert isinstance(operation, OperationDefinitionNode)
    # topProducts(first: 5 by default) x (1 + reviews: assumedSize 10 x (1 + author 1))
    assert model.estimate(operation, {}, {}) == 5 * (1 + 10 * 2)
    [search] = parse('{ search(text: "a") { __typename } }').definitions
    assert isinstance(search, OperationDefinitionNode)
    # @cost(weight: 5) replaces the union's 1, times assumedSize 20
    assert model.estimate(search, {}, {}) == 20 * 5


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path
