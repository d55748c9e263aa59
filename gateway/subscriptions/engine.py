"""Running subscriptions: the global limit, one producer task per subscription (the subgraph
stream, each event completed by the planned entity fetches, in event order), a bounded buffer
per subscription, and the endings (the subgraph completes or fails, a reload removes the field,
the gateway shuts down, the client reads too slowly or goes away).

Slow readers (``fedgate.subscription.slow_reader``): with ``close`` (the default) a client
whose buffer of ``queue_capacity`` completed events is full gets a ``SUBSCRIPTION_SLOW_READER``
error and the subscription ends: it never silently misses an event. With ``drop_oldest`` the
oldest buffered event is dropped instead and the subscription goes on (only the latest events
matter to it); the next event delivered after a drop carries the number dropped so far in
``extensions.droppedEvents``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from gateway.config.subscription import SubscriptionConfig
from gateway.context import RequestContext
from gateway.errors import GatewayError
from gateway.events.source import OWN_ERRORS
from gateway.events.stream import BrokerError
from gateway.execution import shape_response
from gateway.execution.errors import error, subgraph_error
from gateway.execution.prepare import Prepared, Rejected
from gateway.execution.representations import apply_output_rewrites
from gateway.pipeline import Gateway, GatewayResponse

from .plan import SubscriptionPlan, split_plan
from .upstream import StreamFailed, sse_url, subgraph_events, websocket_url

__all__ = ["Event", "Subscription", "Subscriptions"]

log = logging.getLogger("fedgate.subscriptions")
_PLAN_CACHE = 256
# request headers that describe an HTTP body: not for a WebSocket handshake
_BODY_HEADERS = frozenset({"content-type", "accept", "content-length"})


@dataclass(frozen=True, slots=True)
class Event:
    """One part for the client: an event's response, or (``fatal``) the error that ends the
    subscription (``{"errors": [...]}``)."""

    body: dict[str, Any]
    fatal: bool = False


@dataclass(frozen=True, slots=True)
class _Target:
    """What a subscription runs on: one generation's gateway, its preparation and plan, and
    the variables coerced by it."""

    gateway: Gateway
    prepared: Prepared
    plan: SubscriptionPlan
    forwarded: dict[str, Any]
    conditions: Mapping[str, Any]


class Subscriptions:
    """Every open subscription of the app (across reloads)."""

    def __init__(self, config: SubscriptionConfig) -> None:
        self.config = config
        self.open: set[Subscription] = set()
        self._plans: OrderedDict[int, tuple[Prepared, SubscriptionPlan]] = OrderedDict()
        self.draining = False

    def is_subscription(self, gateway: Gateway, query: str, operation_name: str | None) -> bool:
        entry = gateway.prepare(query, operation_name)
        return isinstance(entry, Prepared) and entry.operation_type == "subscription"

    async def start(
        self,
        gateway: Gateway,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        context: RequestContext,
        init_payload: Mapping[str, Any] | None = None,
    ) -> Subscription | GatewayResponse:
        """A running subscription, or the response that refuses it. The operation and plan
        hooks run first, as for a query."""
        target = self.target(gateway, query, variables, operation_name)
        if isinstance(target, GatewayResponse):
            return target
        stopped = await gateway.operation_hooks(
            target.prepared, context, query, operation_name, variables
        )
        if stopped is not None:
            return stopped
        # checked after the hooks' awaits: nothing can open one between this and the add
        if self.draining:
            return _refusal("The gateway is shutting down", "SUBSCRIPTION_SHUTDOWN")
        limit = self.config.max_opened_subscriptions
        if limit is not None and len(self.open) >= limit:
            message = f"The gateway's limit of {limit} open subscriptions is reached"
            return _refusal(message, "SUBSCRIPTION_LIMIT_REACHED")
        request = (query, variables, operation_name)
        subscription = Subscription(self, target, request, context, init_payload)
        self.open.add(subscription)
        subscription.begin()
        return subscription

    def target(
        self,
        gateway: Gateway,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
    ) -> _Target | GatewayResponse:
        labels = gateway.active_labels(query, operation_name, variables or {})
        entry = gateway.prepare(query, operation_name, labels)
        if isinstance(entry, Rejected):
            return GatewayResponse({"errors": list(entry.body["errors"])}, "request_error")
        if entry.planning_error is not None:
            return GatewayResponse({"data": None, "errors": [entry.planning_error]})
        coerced = entry.coerce_variables(variables or {})
        if isinstance(coerced, Rejected):
            return GatewayResponse(coerced.body, "request_error")
        try:
            plan = self._plan(gateway, entry)
        except GatewayError as exc:
            return GatewayResponse({"data": None, **_errors(exc.message, exc.code)})
        return _Target(gateway, entry, plan, *coerced)

    def _plan(self, gateway: Gateway, entry: Prepared) -> SubscriptionPlan:
        cached = self._plans.get(id(entry))
        if cached is not None and cached[0] is entry:
            self._plans.move_to_end(id(entry))
            return cached[1]
        assert entry.plan is not None
        plan = split_plan(entry.plan, gateway.schema, gateway.urls, gateway.matcher)
        # the entry is kept with its plan, so its id is not reused while cached
        self._plans[id(entry)] = (entry, plan)
        if len(self._plans) > _PLAN_CACHE:
            self._plans.popitem(last=False)
        return plan

    def reloaded(self, gateway: Gateway) -> None:
        """A new supergraph or config is serving: each open subscription moves to it, or ends
        with ``SUBSCRIPTION_SCHEMA_RELOAD`` when its operation no longer plans to the same
        subgraph stream (the field was removed, moved or changed)."""
        for subscription in list(self.open):
            subscription.retarget(gateway)

    def drain(self) -> None:
        """Shutting down: refuse new subscriptions, end the open ones with a coded error."""
        self.draining = True
        for subscription in list(self.open):
            subscription.end(_errors("The gateway is shutting down", "SUBSCRIPTION_SHUTDOWN"))


class Subscription:
    """One client subscription: the producer task and the bounded buffer the client reads."""

    def __init__(
        self,
        owner: Subscriptions,
        target: _Target,
        request: tuple[str, Mapping[str, Any] | None, str | None],
        context: RequestContext,
        init_payload: Mapping[str, Any] | None,
    ) -> None:
        self._owner = owner
        self._target = target
        self._request = request  # (query, variables, operation name): replanned on reload
        self._context = context
        self._init = init_payload
        self._buffer: deque[dict[str, Any]] = deque()
        self._wake = asyncio.Event()
        self._final: dict[str, Any] | None = None
        self._task: asyncio.Task[None] | None = None
        self.dropped = 0
        self._reported = 0
        self.events_sent = 0

    def begin(self) -> None:
        self._task = asyncio.create_task(self._produce())

    # -- the client side ---------------------------------------------------------------

    async def events(self, heartbeat: float | None = None) -> AsyncIterator[Event | None]:
        """The client's parts in order; ``None`` when ``heartbeat`` seconds passed without
        one (time for a keep-alive). Ends after the final part."""
        while True:
            while self._buffer:
                self.events_sent += 1
                body = self._buffer.popleft()
                if self.dropped > self._reported:
                    # drop_oldest: say how many were dropped so far, once per change
                    body.setdefault("extensions", {})["droppedEvents"] = self.dropped
                    self._reported = self.dropped
                yield Event(body)
            if self._final is not None:
                if self._final:
                    yield Event(self._final, fatal=True)
                return
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), heartbeat)
            except TimeoutError:
                yield None

    def cancel(self) -> None:
        """The client went away or completed the subscription: stop without a message."""
        self.end({})

    def end(self, final: dict[str, Any]) -> None:
        """End the subscription; ``final``: the error body for the client (``{}``: none)."""
        if self._final is not None:
            return
        self._final = final
        self._owner.open.discard(self)
        if final:
            self._buffer.clear()  # the error is what the client must see next
        task = self._task
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        self._wake.set()

    def retarget(self, gateway: Gateway) -> None:
        old = self._target
        target = self._owner.target(gateway, *self._request)
        same = (
            isinstance(target, _Target)
            and target.plan.primary.service == old.plan.primary.service
            and target.plan.primary.operation == old.plan.primary.operation
        )
        if isinstance(target, _Target) and same:
            self._target = target
            return
        message = "The subscription was ended by a schema reload that changed its field"
        self.end(_errors(message, "SUBSCRIPTION_SCHEMA_RELOAD"))

    # -- the producer --------------------------------------------------------------------

    async def _produce(self) -> None:
        primary = self._target.plan.primary
        service = primary.service
        try:
            async for payload in self._stream():
                response = await self._complete(payload)
                if not self._push(response):
                    return
        except StreamFailed as exc:
            errors = [error(exc.message, exc.code, service=service)]
            errors += [e for raw in exc.errors for e in subgraph_error(raw, service, [None])]
            self.end({"errors": errors})
            return
        except BrokerError as exc:  # events: the gateway's own failure, not a subgraph's
            self.end({"errors": [error(exc.message, exc.code)]})
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("subscription to %s failed unexpectedly", service)
            self.end(_errors("Internal server error", "INTERNAL_SERVER_ERROR"))
            return
        # the subgraph completed the subscription: so does the client's, without an error
        self.end({})

    def _stream(self) -> AsyncIterator[dict[str, Any]]:
        """The subgraph's WebSocket stream, or (events) the broker's messages for a
        broker-fed field (gateway/events)."""
        target = self._target
        bound = target.gateway.events
        if bound is not None:
            config = self._owner.config
            drop_oldest = config.slow_reader == "drop_oldest"
            source = bound.source(
                target.plan.primary,
                target.forwarded,
                config.queue_capacity,
                drop_oldest,
                self._dropped_at_source,
            )
            if source is not None:
                return source
        url, body, headers = self._stream_request()
        settings = self._owner.config.for_subgraph(target.plan.primary.service)
        if settings.protocol in ("sse", "sse_post"):
            from .upstream_sse import subgraph_sse_events

            method = "POST" if settings.protocol == "sse_post" else "GET"
            return subgraph_sse_events(url, method, body, headers)
        return subgraph_events(url, settings, body, headers, self._init)

    def _dropped_at_source(self) -> None:
        self.dropped += 1

    def _stream_request(self) -> tuple[str, dict[str, Any], dict[str, str]]:
        target = self._target
        primary = target.plan.primary
        gateway = target.gateway
        settings = self._owner.config.for_subgraph(primary.service)
        url = websocket_url(gateway.urls.get(primary.service, ""), settings)
        if settings.protocol in ("sse", "sse_post"):  # GraphQL over SSE: the http(s) URL
            url = sse_url(gateway.urls.get(primary.service, ""), settings)
        forwarded = target.forwarded
        variables = {v: forwarded[v] for v in primary.variable_usages if v in forwarded}
        body = {"query": primary.operation, "variables": variables}
        rules = gateway.config.headers.bind(self._context)
        headers = {
            k: v for k, v in rules.for_subgraph(primary.service).items() if k not in _BODY_HEADERS
        }
        return url, body, headers

    async def _complete(self, payload: dict[str, Any]) -> dict[str, Any]:
        """One subgraph event → the client's response: the rest of the plan fetches the other
        subgraphs' fields, then the response is shaped as a query's is."""
        target = self._target  # read once: a reload may swap it between events
        primary = target.plan.primary
        gateway = target.gateway
        errors: list[dict[str, Any]] = []
        for raw in payload.get("errors") or ():
            path = raw.get("path") if isinstance(raw, dict) else None
            at = tuple(path) if isinstance(path, list) else None
            errors.extend(subgraph_error(raw, primary.service, [at]))
        # events: the gateway's own errors about a broker message (not a subgraph's)
        errors.extend(payload.get(OWN_ERRORS) or ())
        data = payload.get("data")
        if not isinstance(data, dict):
            data = {}
        elif primary.output_rewrites:
            apply_output_rewrites(data, primary.output_rewrites, gateway.matcher)
        rest = target.plan.rest
        if rest is not None and data:
            data, more = await rest.execute(
                gateway.client, target.forwarded, self._context, gateway.config.headers, data
            )
            errors.extend(more)
        shaped = shape_response(target.prepared.shape_for(target.conditions), data, errors)
        body: dict[str, Any] = {"data": shaped}
        if errors:
            body["errors"] = errors
        return body

    def _push(self, body: dict[str, Any]) -> bool:
        """Buffer one event; False when the subscription ended instead (a slow reader)."""
        if self._final is not None:
            return False
        if len(self._buffer) >= self._owner.config.queue_capacity:
            if self._owner.config.slow_reader == "close":
                message = (
                    f"The client read too slowly: {len(self._buffer)} events were waiting; "
                    "the subscription is closed"
                )
                self.end(_errors(message, "SUBSCRIPTION_SLOW_READER"))
                return False
            self._buffer.popleft()
            self.dropped += 1
        self._buffer.append(body)
        self._wake.set()
        return True


def _errors(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def _refusal(message: str, code: str) -> GatewayResponse:
    return GatewayResponse(_errors(message, code), "request_error")
