"""The features that are off by default, each built (and its libraries imported) only when
configured: OpenTelemetry, prometheus-client, PyJWT/cryptography, websockets, redis-py and the
broker clients cost memory and start-up time a gateway without them should not pay
(tests/server/test_lazy_imports.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.config import GatewayConfig
from gateway.pipeline import PlannerLike, SupergraphLike

if TYPE_CHECKING:
    from gateway.auth.jwt import Authenticator
    from gateway.cache import EntityCache
    from gateway.events.runtime import Events
    from gateway.redis.plans import SharedPlans
    from gateway.redis.state import SharedState
    from gateway.subscriptions.http import HttpStreams
    from gateway.telemetry.runtime import Telemetry

__all__ = [
    "authenticator",
    "close_entity_cache",
    "entity_cache",
    "events",
    "invalidation_here",
    "open_entity_cache",
    "shared_plans",
    "shared_state",
    "subscriptions",
    "telemetry",
]


def telemetry(config: GatewayConfig) -> Telemetry | None:
    if config.telemetry is None:
        return None
    from gateway.telemetry.runtime import Telemetry

    return Telemetry(config.telemetry)


def subscriptions(config: GatewayConfig) -> tuple[Any, HttpStreams | None]:
    if not config.subscription.enabled:
        return None, None
    from gateway.subscriptions import Subscriptions
    from gateway.subscriptions.http import HttpStreams

    engine = Subscriptions(config.subscription)
    return engine, HttpStreams(engine)


def events(config: GatewayConfig) -> Events | None:
    if config.events is None:
        return None
    from gateway.events.runtime import Events

    return Events(config.events)


def entity_cache(config: GatewayConfig, supergraph: SupergraphLike) -> EntityCache | None:
    if config.entity_cache is None:
        return None
    from gateway.cache import EntityCache

    return EntityCache(config.entity_cache, supergraph)


def invalidation_here(config: GatewayConfig) -> bool:
    """The invalidation endpoint on the GraphQL listener (``listen`` is its address)."""
    cache = config.entity_cache
    return cache is not None and cache.invalidation and cache.listen == config.listen


async def open_entity_cache(cache: EntityCache | None, config: GatewayConfig) -> Any:
    if cache is None:
        return None
    await cache.open()
    settings = config.entity_cache
    if settings is None or not settings.invalidation or invalidation_here(config):
        return None
    from gateway.cache.endpoint import invalidation_endpoint
    from gateway.cache.listener import InvalidationListener

    host_port = settings.listen_host_port
    assert host_port is not None
    listener = InvalidationListener(*host_port, settings.path, invalidation_endpoint(cache))
    await listener.start()
    return listener


async def close_entity_cache(cache: EntityCache, listener: Any) -> None:
    if listener is not None:
        await listener.stop()
    await cache.close()


def authenticator(config: GatewayConfig) -> Authenticator | None:
    if config.authentication is None:
        return None
    from gateway.auth.jwt import Authenticator

    return Authenticator(config.authentication)


def shared_state(config: GatewayConfig) -> SharedState | None:
    """Shared state (gateway/redis/): only with a Redis block, and only then imported."""
    if config.shared_state is None:
        return None
    from gateway.redis.state import SharedState

    return SharedState()


def shared_plans(
    shared: SharedState | None,
    config: GatewayConfig,
    supergraph: SupergraphLike,
    planner: PlannerLike | None,
) -> SharedPlans | None:
    """The plan cache's Redis tier for one generation (not for a caller-given planner: its
    plans are its own)."""
    if shared is None or planner is not None:
        return None
    return shared.plans(config, supergraph)
