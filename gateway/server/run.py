"""Running the gateway under uvicorn (uvloop + httptools), one or N worker processes.

Workers are separate processes sharing one listening socket; each builds its own app from the
environment (``app_from_env``), so the supergraph (path or URL), the config path and hot
reload travel as variables. Each worker reloads on its own (its watchers, its SIGHUP); with
``--workers N`` the parent forwards SIGHUP to every worker instead of uvicorn's restart.
SIGTERM drains: uvicorn stops accepting, lets in-flight requests finish for at most
``fedgate.shutdown_grace_period``, then exits.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from gateway.compiled import log_compiled_status
from gateway.config import DEV_OVERRIDES
from gateway.errors import GatewayError

from .gc_tuning import GC_THRESHOLDS, tune_gc
from .loading import LoadedGateway, build_gateway, fetch_supergraph, is_url, load_gateway

__all__ = [
    "GC_THRESHOLDS",
    "LoadedGateway",
    "app_from_env",
    "hot_reload_from_env",
    "load_gateway",
    "serve",
    "tune_gc",
]

ENV_SUPERGRAPH = "FEDGATE_SUPERGRAPH_PATH"
ENV_CONFIG = "FEDGATE_CONFIG_PATH"
ENV_HOT_RELOAD = "FEDGATE_HOT_RELOAD"
# Apollo Router's name for the same switch
APOLLO_HOT_RELOAD = "APOLLO_ROUTER_HOT_RELOAD"

# serve() loads the gateway once to fail readably; with one worker, uvicorn calls the app
# factory in this same process, which takes that load instead of loading it again (start-up
# loaded a large supergraph twice before: bench/startup.py)
_preloaded: dict[tuple[str, str | None], LoadedGateway] = {}


def hot_reload_from_env(env: Mapping[str, str]) -> bool:
    for name in (ENV_HOT_RELOAD, APOLLO_HOT_RELOAD):
        value = env.get(name)
        if value is not None:
            return value.strip().lower() in ("1", "true", "yes", "on")
    return False


def app_from_env() -> Starlette:
    """uvicorn factory: ``gateway.server.run:app_from_env``."""
    from .app import create_app

    _ignore_sighup_until_serving()
    from .reload import ReloadSpec

    location = os.environ[ENV_SUPERGRAPH]
    config_path = os.environ.get(ENV_CONFIG) or None
    etag = None
    if is_url(location):
        fetched = fetch_supergraph(location)
        etag = fetched.etag
        assert fetched.sdl is not None
        loaded = build_gateway(fetched.sdl, location, config_path)
    else:
        preloaded = _preloaded.pop((location, config_path), None)
        loaded = preloaded if preloaded is not None else load_gateway(location, config_path)
    spec = ReloadSpec(
        location,
        config_path,
        watch=hot_reload_from_env(os.environ),
        poll_interval=loaded.config.supergraph_poll_interval,
        etag=etag,
        sdl_hash=loaded.sdl_hash,
    )
    app = create_app(loaded.supergraph, config=loaded.config, reload=spec)
    log_compiled_status()  # "pure Python" or "compiled modules: N of M" (docs/compiled.md)
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
    hot_reload: bool | None = None,
) -> int:
    """Serve until interrupted. Returns the exit code (1 when the gateway cannot load).
    ``host``/``port`` win over the config's ``supergraph.listen``; ``dev`` turns on
    introspection, GraphiQL and query-plan exposure (through the environment, so that every
    worker sees it), and hot reload unless ``hot_reload`` says otherwise. ``supergraph_path``
    may be an ``http(s)://`` URL (polled for changes)."""
    import uvicorn

    _ignore_sighup_until_serving()
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
    if loaded.config.shared_state is not None:  # shared state: required_to_start, readably
        from gateway.redis.state import unreachable

        problem = unreachable(loaded.config.shared_state)
        if problem is not None:
            print(f"fedgate: {problem}", file=sys.stderr)
            return 1
    listen_host, listen_port = loaded.config.host_port
    location = str(supergraph_path)
    os.environ[ENV_SUPERGRAPH] = location if is_url(location) else str(Path(location).resolve())
    if config_path is not None:
        os.environ[ENV_CONFIG] = str(Path(config_path).resolve())
    if workers == 1 and not is_url(location):
        _preloaded[(os.environ[ENV_SUPERGRAPH], os.environ.get(ENV_CONFIG) or None)] = loaded
    if hot_reload is None:
        hot_reload = dev or hot_reload_from_env(os.environ)
    os.environ[ENV_HOT_RELOAD] = "true" if hot_reload else "false"
    telemetry = loaded.config.telemetry
    if workers > 1 and telemetry is not None and telemetry.metrics is not None:
        _multiprocess_metrics()
    config = uvicorn.Config(
        "gateway.server.run:app_from_env",
        factory=True,
        host=host if host is not None else listen_host,
        port=port if port is not None else listen_port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        # the WebSocket protocol only with subscriptions on (the route exists only then; the
        # websockets import is +0.9 MB of RSS a gateway without them should not carry)
        ws="auto" if loaded.config.subscription.enabled else "none",
        lifespan="on",
        access_log=False,
        log_level="info",
        log_config=_log_config(),
        timeout_graceful_shutdown=math.ceil(loaded.config.shutdown_grace_period),
        # edge: with fedgate.client_access, fedgate believes X-Forwarded-For from its own
        # trusted_proxies only; uvicorn's would trust it from 127.0.0.1 before fedgate looks
        proxy_headers=loaded.config.edge is None or loaded.config.edge.access is None,
    )
    server = uvicorn.Server(config)
    # as uvicorn.run: after a graceful Ctrl-C uvicorn raises SIGINT again; that is a clean exit
    with contextlib.suppress(KeyboardInterrupt):
        if workers > 1:
            _Supervisor(config, sockets=[config.bind_socket()]).run()
            return 0
        server.run()
    return 0 if server.started else 1


def _multiprocess_metrics() -> None:
    """Observability: with N workers, prometheus-client's multiprocess mode (every worker
    writes its values under one directory, any worker's /metrics reads them all). Set before
    the workers start, as the library requires; removed when the server exits."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return  # the operator's own directory
    directory = tempfile.mkdtemp(prefix="fedgate-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    atexit.register(shutil.rmtree, directory, ignore_errors=True)


def _ignore_sighup_until_serving() -> None:
    """SIGHUP's default action kills the process: until the app's lifespan takes it over
    (a reload), an early one (a deploy script's) is ignored rather than fatal."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGHUP, signal.SIG_IGN)


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, plus fedgate's own loggers (reloads, redacted errors) on the same
    handler: without one they would go nowhere."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["fedgate"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


class _Supervisor(Multiprocess):
    """uvicorn's worker supervisor, but SIGHUP reloads each worker in place (uvicorn would
    restart them one by one, and a broken config would stop that half-way)."""

    def handle_hup(self) -> None:
        for process in self.processes:
            if process.pid is not None:
                os.kill(process.pid, signal.SIGHUP)
