"""GraphQL error records as they go into the response (plain dicts, ready for orjson)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .representations import ResponsePath

__all__ = [
    "DOWNSTREAM",
    "error",
    "error_paths_cover",
    "subgraph_error",
]

DOWNSTREAM = "DOWNSTREAM_SERVICE_ERROR"


def error(
    message: str,
    code: str,
    *,
    path: Sequence[str | int] | None = None,
    service: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"message": message}
    if path is not None:
        out["path"] = list(path)
    ext: dict[str, Any] = {"code": code}
    if service is not None:
        ext["serviceName"] = service
    out["extensions"] = ext
    return out


def subgraph_error(
    raw: Any, service: str, paths: Iterable[ResponsePath | None]
) -> list[dict[str, Any]]:
    """One subgraph error, re-pathed to each of ``paths`` (``None``: no path).

    The subgraph's ``extensions`` are kept (``code`` defaulting to DOWNSTREAM_SERVICE_ERROR) and
    ``serviceName`` added; ``locations`` are dropped since they point into the subgraph's
    operation, not the client's.
    """
    if not isinstance(raw, dict):
        raw = {"message": str(raw)}
    message = raw.get("message")
    ext = raw.get("extensions")
    extensions: dict[str, Any] = dict(ext) if isinstance(ext, dict) else {}
    extensions.setdefault("code", DOWNSTREAM)
    extensions["serviceName"] = service
    out: list[dict[str, Any]] = []
    for path in paths:
        text = message if isinstance(message, str) else f"Error from subgraph '{service}'"
        err: dict[str, Any] = {"message": text}
        if path is not None:
            err["path"] = list(path)
        err["extensions"] = extensions
        out.append(err)
    return out


def error_paths_cover(
    errors: Sequence[dict[str, Any]],
) -> tuple[set[ResponsePath], set[ResponsePath]]:
    """(exact error paths, every prefix of them): what ``covered`` checks need."""
    exact: set[ResponsePath] = set()
    prefixes: set[ResponsePath] = set()
    for err in errors:
        path = err.get("path")
        if isinstance(path, list):
            t = tuple(path)
            exact.add(t)
            prefixes.update(t[:i] for i in range(len(t) + 1))
    return exact, prefixes
