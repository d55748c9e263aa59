"""Helpers for composition tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gateway.composition import (
    CompositionFailure,
    CompositionResult,
    CompositionSuccess,
    SubgraphSource,
    compose,
)

FIXTURES = Path(__file__).parent / "fixtures"
#: Fixture folders holding subgraphs, a supergraph.yaml and Apollo's composed supergraph.
SNAPSHOTS = sorted(
    p.name for p in FIXTURES.iterdir() if (p / "expected.supergraph.graphql").is_file()
)
FED2 = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v{version}", import: '
    "[{imports}])"
)
ALL_IMPORTS = (
    '"@key", "@shareable", "@external", "@requires", "@provides", "@override", "@inaccessible",'
    ' "@tag", "@interfaceObject", "@composeDirective", "@authenticated", "@requiresScopes",'
    ' "@policy", "@cost", "@listSize", "@context", "@fromContext"'
)


def fed2(sdl: str, version: str = "2.9") -> str:
    """A Federation 2 subgraph SDL importing every federation directive."""
    return FED2.format(version=version, imports=ALL_IMPORTS) + "\n" + textwrap.dedent(sdl)


def sources(**sdls: str) -> list[SubgraphSource]:
    return [
        SubgraphSource(name, f"http://{name}", sdl, f"{name}.graphql") for name, sdl in sdls.items()
    ]


def compose_sdls(**sdls: str) -> CompositionResult:
    return compose(sources(**sdls))


def supergraph(**sdls: str) -> str:
    result = compose_sdls(**sdls)
    assert isinstance(result, CompositionSuccess), _errors(result)
    return result.supergraph_sdl


def failure(**sdls: str) -> CompositionFailure:
    result = compose_sdls(**sdls)
    assert isinstance(result, CompositionFailure), result
    return result


def _errors(result: CompositionResult) -> str:
    if isinstance(result, CompositionFailure):
        return "\n".join(f"{e.code}: {e.message}" for e in result.errors)
    return ""
