"""``federation_version`` in supergraph.yaml selects the composition as rover's does, and the
federation spec versions v2.10 to v2.14 compose."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.composition import CompositionFailure, CompositionSuccess, compose
from gateway.composition.config import ConfigError, load_config
from gateway.composition.links import LATEST_VERSION
from gateway.composition.versions import VersionError, parse_federation_version

from .helpers import sources, supergraph
from .test_cli import run

ENTITY = 'type Query {{ t: T }}\ntype T @key(fields: "id") {{ id: ID! x: Int }}'


def linked(version: str, imports: str = '"@key"') -> str:
    return (
        f'extend schema @link(url: "https://specs.apollo.dev/federation/v{version}", '
        f"import: [{imports}])\n" + ENTITY.format()
    )


@pytest.mark.parametrize("value", [None, "2", 2, "latest-2"])
def test_latest_federation_two(value: object) -> None:
    version = parse_federation_version(value)
    assert version.latest == LATEST_VERSION == (2, 14)
    assert version.exact is None


@pytest.mark.parametrize(
    ("value", "latest"),
    [("=2.3.2", (2, 3)), ("v2.9.0", (2, 9)), ("=2.12.1", (2, 12)), ("=2.0.0-preview.9", (2, 0))],
)
def test_exact_release_caps_the_federation_version(value: str, latest: tuple[int, int]) -> None:
    version = parse_federation_version(value)
    assert version.latest == latest
    assert version.exact == value[1:]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1", "selects Federation 1 composition"),
        (1, "selects Federation 1 composition"),
        ("latest-0", "selects Federation 1 composition"),
        ("=0.36.0", "selects Federation 1 composition"),
        ("=0.35.0", "The earliest version you can specify for federation 1 is '=0.36.0'"),
        ("=3.0.0", "You can either specify '1', '2', or a fully qualified version"),
        (2.3, "Specified version `2.3` is not supported"),
        ("=2.3", "Specified version `=2.3` is not supported"),
        (
            "=2.15.0",
            "newer than fedgate's composition, which composes as Apollo's composition 2.14",
        ),
    ],
)
def test_versions_fedgate_refuses(value: object, message: str) -> None:
    with pytest.raises(VersionError, match=message.replace("(", r"\(").replace("`", "`")):
        parse_federation_version(value)


@pytest.mark.parametrize("minor", range(10, 15))
def test_recent_federation_versions_compose_like_v2_9(minor: int) -> None:
    recent = supergraph(a=linked(f"2.{minor}"))
    assert recent == supergraph(a=linked("2.9"))


def test_a_link_above_the_pinned_version_is_unknown_to_that_composition() -> None:
    result = compose(sources(a=linked("2.10"), b=linked("2.9")), latest=(2, 9))
    assert isinstance(result, CompositionFailure)
    assert [(e.code, e.message) for e in result.errors] == [
        (
            "UNKNOWN_FEDERATION_LINK_VERSION",
            "[a] Invalid version v2.10 for the federation feature in @link directive on schema",
        )
    ]
    pinned = compose(sources(a=linked("2.9")), latest=(2, 9))
    assert isinstance(pinned, CompositionSuccess)
    assert pinned.supergraph_sdl == supergraph(a=linked("2.9"))


def test_cache_tag_needs_v2_12_when_pinned_below() -> None:
    sdl = linked("2.12", '"@key", "@cacheTag"').replace("x: Int", 'x: Int @cacheTag(format: "x")')
    result = compose(sources(a=sdl), latest=(2, 11))
    assert isinstance(result, CompositionFailure)
    assert {e.code for e in result.errors} >= {
        "UNKNOWN_FEDERATION_LINK_VERSION",
        "INVALID_LINK_DIRECTIVE_USAGE",
    }
    assert isinstance(compose(sources(a=sdl), latest=(2, 12)), CompositionSuccess)


def _config(tmp_path: Path, version: str, sdl: str) -> Path:
    (tmp_path / "a.graphql").write_text(sdl)
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        f"federation_version: {version}\nsubgraphs:\n  a:\n    routing_url: http://a\n"
        "    schema:\n      file: ./a.graphql\n"
    )
    return config


def test_config_reads_the_composition_version(tmp_path: Path) -> None:
    loaded = load_config(_config(tmp_path, "=2.9.3", linked("2.9")))
    assert loaded.federation_version == "=2.9.3"
    assert loaded.composition.latest == (2, 9)
    with pytest.raises(ConfigError, match=r"supergraph\.yaml: federation_version: .*Federation 1"):
        load_config(_config(tmp_path, "1", linked("2.9")))


def test_compose_command_honours_the_pin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, "=2.11.0", linked("2.12"))
    assert run("compose", "--config", str(config)) == 1
    err = capsys.readouterr().err
    assert "error[UNKNOWN_FEDERATION_LINK_VERSION]: [a] Invalid version v2.12" in err
    config.write_text(config.read_text().replace("=2.11.0", "=2.12.0"))
    assert run("compose", "--config", str(config)) == 0
    assert 'join__Graph {\n  A @join__graph(name: "a", url: "http://a")' in capsys.readouterr().out


def test_compose_command_refuses_federation_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, "=0.36.0", "type Query { a: Int }")
    assert run("compose", "--config", str(config)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {config}: federation_version: federation_version `=0.36.0` ")
    assert "Federation 1 composition" in err


def test_connectors_are_refused_at_their_link() -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key"])'
        '\n  @link(url: "https://specs.apollo.dev/connect/v0.2", import: ["@connect"])\n'
        'type Query { t: Int @connect(http: {GET: "http://x/t"}, selection: "$") }'
    )
    result = compose(sources(a=sdl))
    assert isinstance(result, CompositionFailure)
    [error] = result.errors  # no "Unknown directive @connect" beside it
    assert error.code == "UNSUPPORTED_FEATURE"
    assert (error.locations[0].line, error.locations[0].column) == (2, 3)
