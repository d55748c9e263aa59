"""Reading a YAML config file into plain values, with the line of every key and item, and
Apollo Router's expansion in string values: ``${env.NAME}``, ``${file.PATH}``, each with an
optional ``:-default``. An unquoted value that is only an expansion is read again as YAML
after expanding, so ``introspection: ${env.INTROSPECTION:-false}`` is a boolean."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gateway.errors import ConfigError

__all__ = ["Source", "read_source"]

KeyPath = tuple[str | int, ...]
_EXPANSION = re.compile(r"\$\{(env|file)\.([^}:]+)(?::-([^}]*))?\}")


@dataclass(frozen=True, slots=True)
class Source:
    """The file's values and where each came from (``where(path)`` → ``file:line``)."""

    name: str
    data: dict[str, Any]
    lines: Mapping[KeyPath, int]

    def where(self, path: KeyPath) -> str:
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return f"{self.name}:{line}"
        return self.name


def read_source(path: str | Path, environ: Mapping[str, str]) -> Source:
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {name}: {exc.strerror or exc}") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {name} is not valid YAML: {exc}") from exc
    if node is None:
        return Source(name, {}, {})
    lines: dict[KeyPath, int] = {}
    data = _Reader(name, environ, lines).value(node, ())
    if not isinstance(data, dict):
        raise ConfigError(
            f"{name}:{node.start_mark.line + 1}: must hold a mapping at the top level"
        )
    return Source(name, data, lines)


class _Reader:
    def __init__(self, name: str, environ: Mapping[str, str], lines: dict[KeyPath, int]) -> None:
        self.name = name
        self.environ = environ
        self.lines = lines
        self.loader = yaml.SafeLoader("")

    def value(self, node: yaml.Node, path: KeyPath) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(self.scalar(key_node, path))
                if key in out:
                    raise ConfigError(
                        f"{self.name}:{key_node.start_mark.line + 1}: duplicate key {key!r}"
                    )
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = self.value(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            line = node.start_mark.line + 1
            raise ConfigError(f"{self.name}:{line}: keys must be plain values")
        value = self.loader.construct_object(node)
        if not isinstance(value, str) or "${" not in value:
            return value
        expanded = self.expand(value, node.start_mark.line + 1)
        if node.style is None and _EXPANSION.fullmatch(value) and "\n" not in expanded:
            # an unquoted `${...}` alone takes the expansion's own type (true, 30, ...); a
            # multi-line value (a PEM file) stays text: YAML would fold its lines
            loaded = yaml.safe_load(expanded) if expanded.strip() else expanded
            return expanded if isinstance(loaded, (dict, list)) else loaded
        return expanded

    def expand(self, text: str, line: int) -> str:
        def one(match: re.Match[str]) -> str:
            source, name, default = match.groups()
            if source == "env":
                found = self.environ.get(name)
            else:
                try:
                    found = Path(name).read_text(encoding="utf-8").strip()
                except OSError:
                    found = None
            if found is not None:
                return found
            if default is not None:
                return default
            what = f"environment variable {name}" if source == "env" else f"file {name}"
            raise ConfigError(f"{self.name}:{line}: ${{{source}.{name}}}: {what} is not set")

        return _EXPANSION.sub(one, text)
