"""Load a rover-format ``supergraph.yaml`` and the subgraph SDLs it points at."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .fetch import FetchError, fetch_sdl
from .model import SubgraphSource
from .versions import DEFAULT, CompositionVersion, VersionError, parse_federation_version


class ConfigError(Exception):
    """Bad input: the message names the file (and line when known)."""


@dataclass(frozen=True, slots=True)
class SubgraphConfig:
    name: str
    routing_url: str
    file: Path | None = None
    subgraph_url: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SupergraphConfig:
    path: Path
    federation_version: str | None
    subgraphs: tuple[SubgraphConfig, ...]
    composition: CompositionVersion = DEFAULT  # what federation_version selects


def _expand_env(path: Path, text: str) -> str:
    """Rover's ``${env.NAME}`` placeholders, replaced by environment variables."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            line = text.count("\n", 0, match.start()) + 1
            raise ConfigError(f"{path}:{line}: environment variable {name} is not set")
        return os.environ[name]

    return re.sub(r"\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}", value, text)


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from exc
    try:
        return yaml.safe_load(_expand_env(path, text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: invalid YAML: {problem}") from exc


def _subgraph(path: Path, name: str, entry: object) -> SubgraphConfig:
    where = f"{path}: subgraph {name!r}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a mapping with `routing_url` and `schema`")
    schema = entry.get("schema")
    if not isinstance(schema, dict):
        raise ConfigError(f"{where}: `schema:` with `file:` or `subgraph_url:` is required")
    routing_url = entry.get("routing_url") or schema.get("subgraph_url")
    if not isinstance(routing_url, str):
        raise ConfigError(f"{where}: `routing_url` is required")
    if isinstance(schema.get("file"), str):
        return SubgraphConfig(name, routing_url, file=path.parent / schema["file"])
    if isinstance(schema.get("subgraph_url"), str):
        raw = schema.get("introspection_headers") or {}
        headers = tuple((str(k), str(v)) for k, v in raw.items()) if isinstance(raw, dict) else ()
        return SubgraphConfig(
            name, routing_url, subgraph_url=schema["subgraph_url"], headers=headers
        )
    raise ConfigError(
        f"{where}: unsupported `schema:`; use `file:` or `subgraph_url:` (graph refs are not "
        "supported)"
    )


def load_config(path: str | Path) -> SupergraphConfig:
    path = Path(path)
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("subgraphs"), dict):
        raise ConfigError(f"{path}: expected a `subgraphs:` mapping (rover supergraph.yaml format)")
    version = data.get("federation_version")
    try:
        composition = parse_federation_version(version)
    except VersionError as exc:
        raise ConfigError(f"{path}: federation_version: {exc}") from exc
    subgraphs = tuple(_subgraph(path, str(n), e) for n, e in data["subgraphs"].items())
    text = str(version) if version is not None else None
    return SupergraphConfig(path, text, subgraphs, composition)


Fetcher = Callable[[str, tuple[tuple[str, str], ...]], str]


def load_source(sub: SubgraphConfig, fetch: Fetcher = fetch_sdl) -> SubgraphSource:
    if sub.file is not None:
        try:
            sdl = sub.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise ConfigError(f"{sub.file}: cannot read subgraph {sub.name!r}: {reason}") from exc
        return SubgraphSource(sub.name, sub.routing_url, sdl, str(sub.file))
    assert sub.subgraph_url is not None
    try:
        sdl = fetch(sub.subgraph_url, sub.headers)
    except FetchError as exc:
        raise ConfigError(f"subgraph {sub.name!r}: {exc}") from exc
    return SubgraphSource(sub.name, sub.routing_url, sdl, sub.subgraph_url)


def load_sources(config: SupergraphConfig, fetch: Fetcher = fetch_sdl) -> list[SubgraphSource]:
    return [load_source(sub, fetch) for sub in config.subgraphs]
