"""Fetch a subgraph's SDL by introspection: ``{ _service { sdl } }``."""

from __future__ import annotations

import httpx

QUERY = "{ _service { sdl } }"


class FetchError(Exception):
    pass


def fetch_sdl(url: str, headers: tuple[tuple[str, str], ...] = (), timeout: float = 10.0) -> str:
    """The subgraph SDL served at ``url``; raises :class:`FetchError` with a clear reason."""
    try:
        response = httpx.post(url, json={"query": QUERY}, headers=dict(headers), timeout=timeout)
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot reach {url}: {exc}") from exc
    if response.status_code != 200:
        raise FetchError(f"{url} answered HTTP {response.status_code} to {QUERY}")
    try:
        body = response.json()
    except ValueError as exc:
        raise FetchError(f"{url} did not answer JSON to {QUERY}") from exc
    sdl = (body.get("data") or {}).get("_service", {}) if isinstance(body, dict) else None
    sdl = sdl.get("sdl") if isinstance(sdl, dict) else None
    if not isinstance(sdl, str):
        errors = body.get("errors") if isinstance(body, dict) else None
        detail = f": {errors[0].get('message')}" if isinstance(errors, list) and errors else ""
        raise FetchError(f"{url} did not return _service.sdl{detail}")
    return sdl
