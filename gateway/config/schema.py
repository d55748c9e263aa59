"""A small schema language for the config file: one description gives both the checks (with
``file:line`` and the key in every message) and the JSON Schema ``fedgate config schema``
prints, so the two never disagree.

Kinds: ``Bool``, ``Int``, ``Str``, ``Duration`` (Apollo's ``30s``/``500ms``/``1m``/``24h``, or
seconds as a number), ``Regex``, ``ListOf``, ``MapOf`` (free keys), ``Obj`` (known keys; an
unknown key is an error naming the known ones), ``OneKey`` (an object with exactly one of
several keys, for header rules) and ``Unsupported`` (an Apollo Router key fedgate does not
implement yet: saying so beats "unknown key").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.errors import ConfigError

__all__ = [
    "Anything",
    "Bool",
    "Duration",
    "Int",
    "Kind",
    "ListOf",
    "MapOf",
    "Obj",
    "OneKey",
    "Regex",
    "Size",
    "Str",
    "Unsupported",
    "check",
    "json_schema",
    "parse_duration",
    "parse_size",
]

Path = tuple[str | int, ...]
Where = Callable[[Path], str]


@dataclass(frozen=True)
class Bool:
    doc: str = ""


@dataclass(frozen=True)
class Int:
    doc: str = ""
    minimum: int | None = None


@dataclass(frozen=True)
class Str:
    doc: str = ""
    pattern: str | None = None


@dataclass(frozen=True)
class Duration:
    doc: str = ""


@dataclass(frozen=True)
class Size:
    """Bytes: an integer, or Apollo's strings (``10MiB``, ``800KiB``, ``2MB``, ``400kb``)."""

    doc: str = ""


@dataclass(frozen=True)
class Regex:
    doc: str = ""


@dataclass(frozen=True)
class ListOf:
    item: Kind
    doc: str = ""


@dataclass(frozen=True)
class MapOf:
    value: Kind
    doc: str = ""


@dataclass(frozen=True)
class Obj:
    fields: Mapping[str, Kind]
    doc: str = ""
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class OneKey:
    options: Mapping[str, Kind]
    doc: str = ""


@dataclass(frozen=True)
class Unsupported:
    doc: str = ""
    schema: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Anything:
    """Free-form YAML (a plugin's own ``config``: the plugin checks it)."""

    doc: str = ""


Kind = (
    Bool
    | Int
    | Str
    | Duration
    | Size
    | Regex
    | ListOf
    | MapOf
    | Obj
    | OneKey
    | Unsupported
    | Anything
)

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*")


def parse_duration(value: str) -> float | None:
    """``"1m 30s"`` → 90.0; None when it is not a duration."""
    total, pos = 0.0, 0
    while pos < len(value):
        match = _DURATION.match(value, pos)
        if match is None or match.end() == pos:
            return None
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    return total if value.strip() else None


_SIZE = re.compile(r"\s*(\d+)\s*([kmg]i?b|b)?\s*", re.I)
_SIZE_UNITS = {
    "b": 1,
    "kb": 1000,
    "mb": 10**6,
    "gb": 10**9,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
}


def parse_size(value: object) -> int | None:
    """``"10MiB"`` → 10485760; an int is bytes; None when it is not a size."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return None
    match = _SIZE.fullmatch(value)
    if match is None:
        return None
    return int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "b").lower()]


def _dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def _fail(where: Where, path: Path, problem: str) -> ConfigError:
    return ConfigError(f"{where(path)}: {_dotted(path)}: {problem}")


def check(kind: Kind, value: Any, path: Path, where: Where) -> Any:
    """``value`` checked against ``kind``; durations become seconds, regexes compiled."""
    match kind:
        case Bool():
            if not isinstance(value, bool):
                raise _fail(where, path, f"must be true or false, got {value!r}")
            return value
        case Int(minimum=minimum):
            if isinstance(value, bool) or not isinstance(value, int):
                raise _fail(where, path, f"must be an integer, got {value!r}")
            if minimum is not None and value < minimum:
                raise _fail(where, path, f"must be at least {minimum}, got {value}")
            return value
        case Str(pattern=pattern):
            if not isinstance(value, str):
                raise _fail(where, path, f"must be a string, got {value!r}")
            if pattern is not None and not re.fullmatch(pattern, value):
                raise _fail(where, path, f"{value!r} does not match {pattern}")
            return value
        case Duration():
            return _duration(value, path, where)
        case Size():
            size = parse_size(value)
            if size is None or size < 1:
                raise _fail(where, path, f"must be a size like 10MiB or 2000000, got {value!r}")
            return size
        case Regex():
            if not isinstance(value, str):
                raise _fail(where, path, f"must be a regular expression string, got {value!r}")
            try:
                return re.compile(value)
            except re.error as exc:
                raise _fail(where, path, f"invalid regular expression: {exc}") from exc
        case ListOf(item=item):
            if not isinstance(value, list):
                raise _fail(where, path, f"must be a list, got {value!r}")
            return [check(item, v, (*path, i), where) for i, v in enumerate(value)]
        case MapOf(value=inner):
            if not isinstance(value, dict):
                raise _fail(where, path, f"must be a mapping, got {value!r}")
            return {str(k): check(inner, v, (*path, str(k)), where) for k, v in value.items()}
        case Obj():
            return _object(kind, value, path, where)
        case OneKey(options=options):
            if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in options:
                known = ", ".join(options)
                raise _fail(where, path, f"must be a mapping with exactly one of: {known}")
            [(key, inner)] = value.items()
            return {key: check(options[key], inner, (*path, key), where)}
        case Anything():
            return value
        case Unsupported(doc=doc):
            note = f" ({doc})" if doc else ""
            raise _fail(where, path, f"not supported yet by fedgate{note}")
    raise AssertionError(kind)


def _duration(value: Any, path: Path, where: Where) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    seconds = parse_duration(value) if isinstance(value, str) else None
    if seconds is None or seconds <= 0:
        raise _fail(where, path, f"must be a duration like 30s, 500ms or 1m, got {value!r}")
    return seconds


def _object(kind: Obj, value: Any, path: Path, where: Where) -> dict[str, Any]:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise _fail(where, path, f"must be a mapping, got {value!r}")
    out: dict[str, Any] = {}
    for key, inner in value.items():
        sub = kind.fields.get(str(key))
        if sub is None:
            supported = [k for k, v in kind.fields.items() if not isinstance(v, Unsupported)]
            known = ", ".join(supported) or "none"
            raise _fail(where, (*path, str(key)), f"unknown config key (known here: {known})")
        out[str(key)] = check(sub, inner, (*path, str(key)), where)
    missing = [k for k in kind.required if k not in out]
    if missing:
        raise _fail(where, path, f"missing required key {missing[0]!r}")
    return out


def json_schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``kind``."""
    out = _schema(kind)
    if kind.doc and not isinstance(kind, Unsupported):
        out["description"] = kind.doc
    return out


def _schema(kind: Kind) -> dict[str, Any]:
    match kind:
        case Bool():
            return {"type": "boolean"}
        case Int(minimum=minimum):
            return {"type": "integer"} | ({"minimum": minimum} if minimum is not None else {})
        case Str(pattern=pattern):
            return {"type": "string"} | ({"pattern": pattern} if pattern else {})
        case Duration():
            duration = r"^(\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*)+$"
            return {"oneOf": [{"type": "string", "pattern": duration}, {"type": "number"}]}
        case Size():
            size = r"^\s*\d+\s*([kKmMgG]i?[bB]|[bB])?\s*$"
            return {
                "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": size}]
            }
        case Regex():
            return {"type": "string", "format": "regex"}
        case ListOf(item=item):
            return {"type": "array", "items": json_schema(item)}
        case MapOf(value=inner):
            return {"type": "object", "additionalProperties": json_schema(inner)}
        case Obj(fields=fields, required=required):
            props = {k: json_schema(v) for k, v in fields.items()}
            out = {"type": "object", "properties": props, "additionalProperties": False}
            return out | ({"required": list(required)} if required else {})
        case OneKey(options=options):
            return {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {k: json_schema(v)},
                        "required": [k],
                        "additionalProperties": False,
                    }
                    for k, v in options.items()
                ]
            }
        case Anything():
            return {}
        case Unsupported(doc=doc):
            return {"not": {}, "description": f"not supported yet by fedgate: {doc}"}
    raise AssertionError(kind)
