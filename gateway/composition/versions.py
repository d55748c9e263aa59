"""``federation_version`` in ``supergraph.yaml``, read as rover reads it.

Rover accepts ``1``/``0``/``latest-1``/``latest-0`` (the latest Federation 1 composition), ``2``/
``latest-2`` (the latest Federation 2 composition), and an exact release ``=X.Y.Z`` (or
``vX.Y.Z``): ``=0.36.0`` or later for Federation 1, ``=2.0.0-preview.9`` or later for
Federation 2. The value selects which composition runs; an exact Federation 2 release knows
the federation spec versions up to its own minor version and no later one.

fedgate has one composition, which composes as Apollo's composition 2.14 does:

- ``2`` and no ``federation_version`` compose with every version fedgate knows. (Without the
  key, rover picks Federation 1 composition when no subgraph opts in to Federation 2; fedgate
  composes those subgraphs with Federation 2 composition, which accepts them as they are.)
- ``=2.X.Y`` caps the federation versions the subgraphs may link at ``v2.X``: a subgraph that
  links a later one fails with UNKNOWN_FEDERATION_LINK_VERSION, as composition 2.X reports it.
  A release newer than fedgate's composition is refused rather than composed as another one.
- Federation 1 composition is refused: its supergraphs use the core spec, which fedgate's
  gateway does not serve, and rover is retiring it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .links import LATEST_VERSION

__all__ = ["CompositionVersion", "VersionError", "parse_federation_version"]

_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
_LATEST_ONE = frozenset({"0", "1", "latest-0", "latest-1"})
_LATEST_TWO = frozenset({"2", "latest-2"})


class VersionError(ValueError):
    """A ``federation_version`` fedgate cannot honour; the message says what to write."""


@dataclass(frozen=True, slots=True)
class CompositionVersion:
    """The composition ``federation_version`` selects: the newest federation spec version it
    knows, and the exact release when pinned."""

    latest: tuple[int, int]
    exact: str | None = None  # "2.3.2" for ``=2.3.2``


DEFAULT = CompositionVersion(LATEST_VERSION)


def parse_federation_version(value: object) -> CompositionVersion:
    """``federation_version`` as YAML gave it (None when absent, maybe an int) → version."""
    if value is None:
        return DEFAULT
    text = str(value).strip()
    if text in _LATEST_TWO:
        return DEFAULT
    if text in _LATEST_ONE:
        raise VersionError(_fed_one(text))
    if len(text) > 1 and text[0] in "=v":
        return _exact(text, text[1:])
    raise VersionError(
        f"Specified version `{text}` is not supported. You can either specify '1', '2', or a "
        "fully qualified version prefixed with an '=', like: =2.0.0"
    )


def _exact(text: str, version: str) -> CompositionVersion:
    match = _SEMVER.match(version)
    if match is None:
        raise VersionError(
            f"Specified version `{text}` is not supported. You can either specify '1', '2', or "
            "a fully qualified version prefixed with an '=', like: =2.0.0"
        )
    major, minor = int(match.group(1)), int(match.group(2))
    if major == 0:
        if minor < 36:
            raise VersionError(
                f"Specified version `{text}` is not supported. The earliest version you can "
                "specify for federation 1 is '=0.36.0'"
            )
        raise VersionError(_fed_one(text))
    if major != 2:
        raise VersionError(
            f"Specified version `{text}` is not supported. You can either specify '1', '2', or "
            "a fully qualified version prefixed with an '=', like: =2.0.0"
        )
    if (major, minor) > LATEST_VERSION:
        newest = f"{LATEST_VERSION[0]}.{LATEST_VERSION[1]}"
        raise VersionError(
            f"federation_version `{text}` is newer than fedgate's composition, which composes "
            f"as Apollo's composition {newest} does: use `={newest}.0` or an earlier release "
            "(or `2`)."
        )
    return CompositionVersion((major, minor), exact=version)


def _fed_one(text: str) -> str:
    return (
        f"federation_version `{text}` selects Federation 1 composition, which fedgate does not "
        "provide (its supergraphs use the core spec, which fedgate does not serve). Use "
        "`federation_version: 2` or `=2.X.Y`: Federation 2 composition composes Federation 1 "
        "subgraphs as they are."
    )
