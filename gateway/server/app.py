"""The gateway's ASGI app: the GraphQL endpoint (``supergraph.path``, default ``/graphql``:
POST, GET, CORS preflight; endpoints.py), the health check (``health_check.path``), GraphiQL's
assets, and what the config turns on (the WebSocket route, /metrics, the entity cache's
invalidation endpoint). Built once; a reload swaps the endpoint's generation (live.py), and the
lifespan opens and closes what lives as long as the app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from gateway.config import GatewayConfig
from gateway.pipeline import Gateway, PlannerLike, SupergraphLike
from gateway.transport.base import SubgraphClient

from . import features
from .client_stack import client_stack
from .endpoints import Endpoints
from .exchange import EXPOSE_PLAN_HEADER
from .gc_tuning import refreeze
from .graphiql import ASSET_PREFIX, graphiql_asset
from .health_listener import HealthListener
from .lean import GRAPHQL_METHODS, GatewayApp
from .live import Live
from .loading import LoadedGateway
from .reload import Reloader, ReloadSpec

__all__ = ["EXPOSE_PLAN_HEADER", "create_app"]

log = logging.getLogger("fedgate.reload")


def create_app(
    supergraph: SupergraphLike,
    *,
    config: GatewayConfig | None = None,
    client: SubgraphClient | None = None,
    planner: PlannerLike | None = None,
    reload: ReloadSpec | None = None,
) -> Starlette:
    """The gateway as an ASGI app. Without ``client`` an aiohttp client is created; the
    lifespan opens its pooled session on the serving loop and closes it on shutdown.

    ``reload`` (what ``fedgate serve`` passes): where the supergraph and config come from, for
    hot reload (watchers, SIGHUP) and SIGTERM draining; embedders leave it out and get neither
    (their process's signals stay theirs)."""
    config = config or GatewayConfig()
    # observability: built once from the first config, kept across reloads
    telemetry = features.telemetry(config)
    # shared state: the Redis clients, built once (None, and redis-py not imported, unless a
    # Redis block is configured; one added by a reload takes effect at the next restart)
    shared = features.shared_state(config)
    stack = client_stack(config, client, None, telemetry, shared)
    # subscriptions: none of it exists unless enabled (subscription.enabled, at start-up)
    engine, streams = features.subscriptions(config)
    events = features.events(config)  # events: the message brokers (fedgate.events), kept on reload
    # entity cache: built once from the first config, kept across reloads (as telemetry)
    entity_cache = features.entity_cache(config, supergraph)
    gateway = Gateway(
        supergraph,
        stack.client,
        config,
        planner=planner,
        telemetry=telemetry,
        shared_plans=features.shared_plans(shared, config, supergraph, planner),
        events=events,
        entity_cache=entity_cache,
    )
    first = Endpoints(gateway, config, stack, streams, telemetry=telemetry, shared=shared)
    live = Live(first)
    live.on_retired.append(refreeze)  # the collector: only when fedgate serve tuned it

    def build(loaded: LoadedGateway, warm: list[Any]) -> Endpoints:
        """A new generation (in a worker thread): the client stack is kept unless its
        settings changed (a caller-given client is then wrapped anew, never replaced); the
        most used operations are planned on it before it serves (``warm``)."""
        previous = live.current.stack
        if shared is None and loaded.config.shared_state is not None:
            log.warning("fedgate: reload: shared state (Redis) takes effect at the next restart")
        new_stack = client_stack(loaded.config, client, previous, telemetry, shared)
        if entity_cache is not None:
            entity_cache.retarget(loaded.supergraph)
        gateway = Gateway(
            loaded.supergraph,
            new_stack.client,
            loaded.config,
            planner=planner,
            telemetry=telemetry,
            shared_plans=features.shared_plans(shared, loaded.config, loaded.supergraph, planner),
            events=events,
            entity_cache=entity_cache,
        )
        if warm:
            planned = gateway.warm(warm)
            log.info("fedgate: reload: %d most used operations planned ahead", planned)
        return Endpoints(
            gateway, loaded.config, new_stack, streams, live.current.edge, telemetry, shared
        )

    async def install(loaded: LoadedGateway) -> None:
        new = loaded.config
        count = new.query_planning.warm_count(new.operation_cache_size)
        # read on the loop, which alone touches the serving generation's cache
        warm = live.current.gateway.recent_operations(count)
        endpoints = await asyncio.to_thread(build, loaded, warm)
        _warn_restart_only(live.current.config, endpoints.config)
        if endpoints.stack.owned is not None:
            endpoints.stack.owned.open()
        app.state.gateway = endpoints.gateway
        live.swap(endpoints)
        if engine is not None:
            engine.reloaded(endpoints.gateway)  # no await since the swap: nothing ran between
        reloader = getattr(app.state, "reloader", None)
        if reloader is not None:
            reloader.extra_paths = _watched_files(endpoints.config)
        if telemetry is not None and telemetry.metrics is not None:
            telemetry.metrics.reloads.inc()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # live.current, not ``first``: a closure over the first generation would keep it
        # (and its supergraph) alive after a reload retired it
        owned = live.current.stack.owned
        if owned is not None:
            owned.open()
        if shared is not None:
            await shared.start()  # shared state: required_to_start refuses to start here
        reloader = None
        if reload is not None:
            reloader = Reloader(reload, install, _watched_files(config))
            reloader.start()
            app.state.reloader = reloader
        health_listener = None
        if config.health_check.enabled and config.health_check.host_port is not None:
            # health_check.listen: its own address, this process's readiness
            host, port = config.health_check.host_port
            health_listener = HealthListener(host, port, config.health_check.path, live.health)
            await health_listener.start()
        # entity cache: Redis, the other replicas' invalidations, the invalidation listener
        invalidation = await features.open_entity_cache(entity_cache, config)
        with live.signals(reloader):
            live.ready = True
            try:
                yield
            finally:
                live.ready = False
                if engine is not None:
                    engine.drain()
                if reloader is not None:
                    await reloader.stop()
                if health_listener is not None:
                    await health_listener.stop()
                if entity_cache is not None:
                    await features.close_entity_cache(entity_cache, invalidation)
                await live.close()
                if shared is not None:
                    await shared.close()
                if events is not None:
                    await events.close()  # events: the broker connections
                if telemetry is not None:
                    # flushes the spans still queued (off the loop: the exporter blocks)
                    await asyncio.to_thread(telemetry.shutdown)

    # the GraphQL path's requests are served by GatewayApp directly (lean.py); the route
    # serves them under a root_path (mounted in another app)
    routes: list[BaseRoute] = [Route(config.path, live.graphql, methods=list(GRAPHQL_METHODS))]
    if engine is not None:
        live.on_drain.append(engine.drain)
        from .live_data import websocket_route

        routes.append(websocket_route(config.path, engine, live))
    if config.health_check.enabled and config.health_check.listen is None:
        health = config.health_check.path
        routes.append(Route(health, live.health, methods=["GET"]))
        routes.append(Route(health.rstrip("/") + "/ready", live.health, methods=["GET"]))
        view = config.resilience.health
        if view.detail:  # resilience: each subgraph's breaker, error rate, latency
            detail = view.detail_path or health.rstrip("/") + "/detail"
            routes.append(Route(detail, live.health_detail, methods=["GET"]))
    if entity_cache is not None and features.invalidation_here(config):
        from gateway.cache.endpoint import invalidation_endpoint  # entity cache

        endpoint = invalidation_endpoint(entity_cache)
        assert config.entity_cache is not None
        routes.append(Route(config.entity_cache.path, endpoint, methods=["POST"]))
    routes.append(Route(ASSET_PREFIX + "/{name}", graphiql_asset, methods=["GET"]))
    # observability: /metrics only with the Prometheus exporter (OTLP export pushes)
    if telemetry is not None and telemetry.metrics is not None and telemetry.metrics.config.path:
        from gateway.telemetry.http import metrics_endpoint

        scrape = metrics_endpoint(telemetry.metrics)
        routes.append(Route(telemetry.metrics.config.path, scrape, methods=["GET"]))
    app = GatewayApp(routes=routes, lifespan=lifespan, live=live, graphql_path=config.path)
    app.state.gateway = first.gateway
    app.state.live = live
    return app


def _watched_files(config: GatewayConfig) -> tuple[str, ...]:
    """edge: the persisted query manifests, when ``persisted_queries.hot_reload`` asks."""
    persisted = config.edge.persisted_queries if config.edge is not None else None
    return persisted.manifests if persisted is not None and persisted.hot_reload else ()


def _warn_restart_only(old: GatewayConfig, new: GatewayConfig) -> None:
    # telemetry: the tracer provider and metrics registry live as long as the app
    restart_only = ("listen", "path", "health_check", "shutdown_grace_period")
    for name in (*restart_only, "subscription", "telemetry", "entity_cache"):
        if getattr(old, name) != getattr(new, name):
            log.warning("fedgate: reload: %s changes take effect at the next restart", name)
