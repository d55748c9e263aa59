"""Loading what the server serves: the supergraph (a file, or an ``http(s)://`` URL fetched
with ``If-None-Match``) and the config, checked against each other. Used at start-up and by
every reload (``reload.py``); every failure is a ``GatewayError`` that keeps the loader's code
(``INVALID_SUPERGRAPH``, ``INVALID_CONFIG``, ...) and reads well on a terminal."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from gateway.config import GatewayConfig, load_config
from gateway.errors import ConfigError, GatewayError
from gateway.pipeline import SupergraphLike
from gateway.plugins import hooks_for

__all__ = [
    "FETCH_CODE",
    "Fetched",
    "LoadedGateway",
    "build_gateway",
    "fetch_supergraph",
    "is_url",
    "load_gateway",
    "read_supergraph",
    "sdl_hash",
]

FETCH_CODE = "SUPERGRAPH_FETCH_FAILED"
_FETCH_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class LoadedGateway:
    supergraph: SupergraphLike
    config: GatewayConfig
    # sha256 of the supergraph SDL (hex): what the logs name a loaded supergraph by
    sdl_hash: str = ""


@dataclass(frozen=True, slots=True)
class Fetched:
    """A supergraph URL's answer: ``sdl`` is None when the server said 304 Not Modified."""

    sdl: str | None
    etag: str | None


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def sdl_hash(sdl: str) -> str:
    return hashlib.sha256(sdl.encode()).hexdigest()


def fetch_supergraph(url: str, etag: str | None = None) -> Fetched:
    """GET ``url`` (blocking: run it in a thread off the serving loop)."""
    request = urllib.request.Request(url, headers={"accept": "text/plain, */*"})
    if etag is not None:
        request.add_header("if-none-match", etag)
    try:
        with urllib.request.urlopen(request, timeout=_FETCH_TIMEOUT) as response:
            body: bytes = response.read()
            return Fetched(body.decode("utf-8"), response.headers.get("etag"))
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(None, etag)
        raise GatewayError(
            f"cannot fetch supergraph {url}: HTTP {exc.code}", code=FETCH_CODE
        ) from exc
    except (urllib.error.URLError, OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise GatewayError(f"cannot fetch supergraph {url}: {reason}", code=FETCH_CODE) from exc


def read_supergraph(location: str | Path) -> str:
    """The SDL at a path or URL."""
    if isinstance(location, str) and is_url(location):
        sdl = fetch_supergraph(location).sdl
        assert sdl is not None  # no ETag sent, so never a 304
        return sdl
    path = Path(location)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise GatewayError(
            f"cannot read supergraph {path}: {reason}", code="INVALID_SUPERGRAPH"
        ) from exc


def load_gateway(supergraph_path: str | Path, config_path: str | Path | None) -> LoadedGateway:
    """Load the supergraph (path or URL) and the config."""
    return build_gateway(read_supergraph(supergraph_path), str(supergraph_path), config_path)


def build_gateway(sdl: str, source: str, config_path: str | Path | None) -> LoadedGateway:
    """The supergraph ``sdl`` (read from ``source``) and the config, checked together."""
    from gateway.supergraph import load_supergraph

    try:
        supergraph = load_supergraph(sdl, source=source)
    except GatewayError as exc:
        raise GatewayError(
            f"cannot load supergraph {source}: {exc.message}", code=exc.code
        ) from exc
    except Exception as exc:
        raise GatewayError(
            f"cannot load supergraph {source}: {exc}", code="INVALID_SUPERGRAPH"
        ) from exc
    names = [info.name for info in supergraph.graphs.values()]
    config = load_config(config_path, subgraph_names=names)
    unknown = sorted(set(config.subgraph_urls) - set(names))
    if unknown:
        raise ConfigError(
            f"config overrides the URL of unknown subgraph(s) {', '.join(unknown)} "
            f"(the supergraph has: {', '.join(sorted(names))})"
        )
    if "https://specs.fedgate.dev/events/" in supergraph.sdl:
        # events: every broker-fed field's provider is configured (gateway/events)
        from gateway.events.bind import check_providers

        check_providers(supergraph, config.events)
    # the plugins load (import, construct) here too, so that a bad one fails once, readably
    hooks_for(config, supergraph.sdl)
    return LoadedGateway(supergraph, config, sdl_hash(sdl))
