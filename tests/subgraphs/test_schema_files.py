"""The committed schema/ files are exactly what the code generates."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import build_ast_schema, parse

from subgraphs import SERVICE_NAMES
from subgraphs.common.sdl import FEDERATION_VERSION
from subgraphs.common.service import main as service_main
from subgraphs.schema_files import (
    SCHEMA_DIR,
    SUPERGRAPHS,
    compose_unavailable_reason,
    differences,
    generate_all,
    service_sdl_files,
)
from subgraphs.services import SERVICES

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_SKIP_REASON = compose_unavailable_reason()


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_service_sdl_file_matches_code(name: str) -> None:
    committed = (SCHEMA_DIR / f"{name}.graphql").read_text()
    assert committed == SERVICES[name].sdl(), (
        f"schema/{name}.graphql is stale: run `python -m subgraphs.schema_files`"
    )


def test_print_sdl_command() -> None:
    """``python -m subgraphs.products --print-sdl`` prints schema/products.graphql."""
    result = subprocess.run(
        [sys.executable, "-m", "subgraphs.products", "--print-sdl"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert result.stdout == (SCHEMA_DIR / "products.graphql").read_text()
    assert result.stderr == ""


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_print_sdl_flag(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert service_main(SERVICES[name], ["--print-sdl"]) == 0
    assert capsys.readouterr().out == (SCHEMA_DIR / f"{name}.graphql").read_text()


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_sdl_is_a_federation_2_subgraph(name: str) -> None:
    sdl = SERVICES[name].sdl()
    first_line = sdl.splitlines()[0]
    assert first_line.startswith(
        'extend schema @link(url: "https://specs.apollo.dev/federation/'
        f'v{FEDERATION_VERSION}", import: ['
    )
    # Runtime plumbing is not part of the subgraph's schema.
    for plumbing in ("_entities", "_service", "_Any", "_Entity", "_Service"):
        assert plumbing not in sdl
    document = parse(sdl)
    assert document.definitions


def test_federation_directives_in_use() -> None:
    """The graph exercises the federation features the gateway must support."""
    sdl = {name: SERVICES[name].sdl() for name in SERVICE_NAMES}
    assert 'type User @key(fields: "id")' in sdl["accounts"]
    assert "username: String! @shareable" in sdl["accounts"]
    assert 'type Product @key(fields: "upc")' in sdl["products"]
    assert "union SearchResult = Product | Category" in sdl["products"]
    assert "price: Int! @external" in sdl["inventory"]
    assert "weight: Int! @external" in sdl["inventory"]
    assert 'shippingEstimate: Int! @requires(fields: "price weight")' in sdl["inventory"]
    assert 'author: User! @provides(fields: "username")' in sdl["reviews"]
    assert "username: String! @external" in sdl["reviews"]
    assert "placeOrder(input: PlaceOrderInput!): Order!" in sdl["orders"]
    # Product is contributed to by four services, User by three.
    assert sum('type Product @key(fields: "upc")' in text for text in sdl.values()) == 4
    assert sum('type User @key(fields: "id")' in text for text in sdl.values()) == 3


def test_generated_service_files_cover_every_service() -> None:
    assert set(service_sdl_files()) == {f"{name}.graphql" for name in SERVICE_NAMES}
    assert differences(service_sdl_files()) == []


def test_differences_reports_a_stale_file(tmp_path: Path) -> None:
    files = service_sdl_files()
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    (tmp_path / "orders.graphql").write_text(files["orders.graphql"].replace("placeOrder", "x"))
    (tmp_path / "reviews.graphql").unlink()
    assert differences(files, tmp_path) == ["reviews.graphql", "orders.graphql"]


def test_supergraphs_are_fedgate_compose_of_the_code() -> None:
    generated = generate_all()
    stale = differences(generated)
    assert stale == [], f"stale: {stale}; run `python -m subgraphs.schema_files`"
    for output in SUPERGRAPHS.values():
        schema = build_ast_schema(parse(generated[output]), assume_valid_sdl=True)
        assert schema.mutation_type is not None
        assert schema.mutation_type.name == "Mutation"


@pytest.mark.node
@pytest.mark.skipif(COMPOSE_SKIP_REASON is not None, reason=f"{COMPOSE_SKIP_REASON}")
def test_fedgate_compose_gives_the_bytes_apollo_composition_gives() -> None:
    ours = generate_all()
    apollos = generate_all(apollo=True)
    for output in SUPERGRAPHS.values():
        assert ours[output] == apollos[output]


def test_supergraph_routing_urls() -> None:
    supergraph = (SCHEMA_DIR / "supergraph.graphql").read_text()
    for port, name in enumerate(SERVICE_NAMES, start=4001):
        url = f"http://127.0.0.1:{port}/graphql"
        assert f'@join__graph(name: "{name}", url: "{url}")' in supergraph
