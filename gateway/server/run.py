"""Running the gateway under uvicorn (uvloop + httptools), one or N worker processes.

Workers are separate processes sharing one listening socket; each builds its own app from the
environment (``app_from_env``), so the supergraph and config paths travel as variables.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette

from gateway.config import DEV_OVERRIDES, GatewayConfig, load_config
from gateway.errors import ConfigError, GatewayError
from gateway.pipeline import SupergraphLike
from gateway.plugins import hooks_for

__all__ = ["LoadedGateway", "app_from_env", "load_gateway", "serve"]

ENV_SUPERGRAPH = "FEDGATE_SUPERGRAPH_PATH"
ENV_CONFIG = "FEDGATE_CONFIG_PATH"


@dataclass(frozen=True, slots=True)
class LoadedGateway:
    supergraph: SupergraphLike
    config: GatewayConfig


def load_gateway(supergraph_path: str | Path, config_path: str | Path | None) -> LoadedGateway:
    """Load the supergraph and the config; every failure is a ``GatewayError`` with a message
    fit for a terminal."""
    from gateway.supergraph import load_supergraph

    path = Path(supergraph_path)
    try:
        sdl = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GatewayError(f"cannot read supergraph {path}: {exc.strerror or exc}") from exc
    try:
        supergraph = load_supergraph(sdl, source=str(path))
    except GatewayError as exc:
        raise GatewayError(f"cannot load supergraph {path}: {exc.message}") from exc
    except Exception as exc:
        raise GatewayError(f"cannot load supergraph {path}: {exc}") from exc
    names = [info.name for info in supergraph.graphs.values()]
    config = load_config(config_path, subgraph_names=names)
    unknown = sorted(set(config.subgraph_urls) - set(names))
    if unknown:
        raise ConfigError(
            f"config overrides the URL of unknown subgraph(s) {', '.join(unknown)} "
            f"(the supergraph has: {', '.join(sorted(names))})"
        )
    # the plugins load (import, construct) here too, so that a bad one fails once, readably
    hooks_for(config, supergraph.sdl)
    return LoadedGateway(supergraph, config)


# A request allocates tens of thousands of short-lived dicts and lists (subgraph JSON, the
# merged tree, the response); reference counting frees them, but with the default threshold
# (700) the cyclic collector runs every few hundred allocations and walks them all again.
# Measured on the heavy benchmark query (bench/replay.py): +38 % requests per CPU-second.
GC_THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Fewer cyclic collections, and none over the objects that live as long as the worker."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def app_from_env() -> Starlette:
    """uvicorn factory: ``gateway.server.run:app_from_env``."""
    from .app import create_app

    loaded = load_gateway(os.environ[ENV_SUPERGRAPH], os.environ.get(ENV_CONFIG) or None)
    app = create_app(loaded.supergraph, config=loaded.config)
    tune_gc()
    return app


def serve(
    supergraph_path: str | Path,
    host: str | None = None,
    port: int | None = None,
    workers: int = 1,
    config_path: str | Path | None = None,
    *,
    dev: bool = False,
) -> int:
    """Serve until interrupted. Returns the exit code (1 when the gateway cannot load).
    ``host``/``port`` win over the config's ``supergraph.listen``; ``dev`` turns on
    introspection, GraphiQL and query-plan exposure (through the environment, so that every
    worker sees it)."""
    import uvicorn

    if workers < 1:
        print("fedgate: --workers must be at least 1", file=sys.stderr)
        return 1
    if dev:
        for name, value in DEV_OVERRIDES.items():
            os.environ.setdefault(name, value)
    try:
        # Fail here, once and readably, rather than in every worker.
        loaded = load_gateway(supergraph_path, config_path)
    except GatewayError as exc:
        print(f"fedgate: {exc.message}", file=sys.stderr)
        return 1
    listen_host, listen_port = loaded.config.host_port
    os.environ[ENV_SUPERGRAPH] = str(Path(supergraph_path).resolve())
    if config_path is not None:
        os.environ[ENV_CONFIG] = str(Path(config_path).resolve())
    uvicorn.run(
        "gateway.server.run:app_from_env",
        factory=True,
        host=host if host is not None else listen_host,
        port=port if port is not None else listen_port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level="info",
    )
    return 0
