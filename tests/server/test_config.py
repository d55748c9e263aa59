"""Configuration from YAML and the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import GatewayConfig, env_name, load_config
from gateway.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fedgate.yaml"
    path.write_text(text)
    return path


def test_defaults_without_file_or_environment() -> None:
    assert load_config(environ={}) == GatewayConfig()


def test_yaml_values_and_subgraph_urls(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "subgraphs:\n  accounts:\n    url: http://a:1/graphql\n"
        "subgraph_timeout: 2.5\noperation_cache_size: 10\nexpose_query_plan: false\n",
    )
    config = load_config(path, environ={})
    assert config.subgraph_urls == {"accounts": "http://a:1/graphql"}
    assert (config.subgraph_timeout, config.operation_cache_size) == (2.5, 10)
    assert config.expose_query_plan is False


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "subgraphs:\n  my-accounts:\n    url: http://file\ngraphiql: true\n")
    env = {
        "FEDGATE_SUBGRAPH_MY_ACCOUNTS_URL": "http://env",
        "FEDGATE_SUBGRAPH_PRODUCTS_URL": "http://products-env",
        "FEDGATE_GRAPHIQL": "off",
        "FEDGATE_SUBGRAPH_TIMEOUT": "7",
    }
    config = load_config(path, environ=env, subgraph_names=["my-accounts", "products"])
    assert config.subgraph_urls == {"my-accounts": "http://env", "products": "http://products-env"}
    assert config.graphiql is False
    assert config.subgraph_timeout == 7.0
    assert env_name("my-accounts") == "FEDGATE_SUBGRAPH_MY_ACCOUNTS_URL"


def test_resolve_urls_overrides_only_known_names() -> None:
    config = GatewayConfig(subgraph_urls={"a": "http://override"})
    assert config.resolve_urls([("a", "http://sg-a"), ("b", "http://sg-b")]) == {
        "a": "http://override",
        "b": "http://sg-b",
    }


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("nope: 1\n", "nope: unknown config key"),
        ("subgraph_timeout: fast\n", "must be a number"),
        ("subgraph_timeout: -1\n", "positive"),
        ("graphiql: maybe\n", "must be a boolean"),
        ("subgraphs:\n  a: {}\n", "subgraphs.a.url"),
        ("subgraphs: [1]\n", "'subgraphs' must map"),
        ("- 1\n", "mapping at the top level"),
        ("a: [\n", "not valid YAML"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), environ={})
    assert fragment in info.value.message


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(environ={"FEDGATE_OPERATION_CACHE_SIZE": "many"})
    assert "FEDGATE_OPERATION_CACHE_SIZE" in info.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "absent.yaml", environ={})
    assert "cannot read config file" in info.value.message


def test_config_is_immutable() -> None:
    urls = {"a": "http://a"}
    config = GatewayConfig(subgraph_urls=urls)
    urls["a"] = "http://changed"
    assert config.subgraph_urls == {"a": "http://a"}
    with pytest.raises(TypeError):
        config.subgraph_urls["a"] = "x"  # type: ignore[index]


def test_override_labels_from_file_and_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "override_labels: [new-pricing, beta]\n")
    assert load_config(path, environ={}).override_labels == ("new-pricing", "beta")
    env = {"FEDGATE_OVERRIDE_LABELS": "a, b,"}
    assert load_config(path, environ=env).override_labels == ("a", "b")
    with pytest.raises(ConfigError, match="override_labels"):
        load_config(write(tmp_path, "override_labels: beta\n"), environ={})


def test_override_labels_in_router_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "fedgate:\n  override_labels: [new-pricing]\n")
    assert load_config(path, environ={}).override_labels == ("new-pricing",)
    with pytest.raises(ConfigError, match="override_labels"):
        load_config(write(tmp_path, "fedgate:\n  override_labels: beta\n"), environ={})


def test_shutdown_grace_period_and_supergraph_poll_interval(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text("fedgate:\n  shutdown_grace_period: 5s\n  supergraph_poll_interval: 500ms\n")
    config = load_config(path, environ={})
    assert (config.shutdown_grace_period, config.supergraph_poll_interval) == (5.0, 0.5)
    assert (GatewayConfig().shutdown_grace_period, GatewayConfig().supergraph_poll_interval) == (
        30.0,
        10.0,
    )
    path.write_text("fedgate:\n  shutdown_grace_period: soon\n")
    with pytest.raises(ConfigError, match=r"router.yaml:2: fedgate.shutdown_grace_period"):
        load_config(path, environ={})


def test_the_subgraph_http_client_key(tmp_path: Path) -> None:
    from gateway.server.client_stack import client_stack

    path = write(tmp_path, "fedgate:\n  subgraph_http_client: aiohttp\n")
    chosen = load_config(path, environ={})
    assert chosen.subgraph_http_client == "aiohttp"
    assert GatewayConfig().subgraph_http_client == "lean"  # the default
    lean = client_stack(GatewayConfig(), None, None)
    assert lean.owned is not None and lean.owned.lean
    stack = client_stack(chosen, None, lean)  # a reload that changes it: a new client
    assert stack is not lean and stack.owned is not None and not stack.owned.lean
    with pytest.raises(ConfigError, match="subgraph_http_client"):
        load_config(write(tmp_path, "fedgate:\n  subgraph_http_client: curl\n"), environ={})
