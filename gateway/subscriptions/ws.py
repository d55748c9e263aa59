"""graphql-transport-ws (the ``graphql-ws`` library's protocol) at the GraphQL endpoint.

``connection_init`` must come first (within 10 s, else close 4408); its payload becomes the
request context: string entries (and those of a ``headers`` object in it) are added to the
upgrade request's headers — so ``{"Authorization": "Bearer ..."}`` reaches header rules and
auth like an HTTP header — and the whole payload is forwarded in the subgraph's own
``connection_init``. ``subscribe`` runs any operation: a subscription streams ``next``
messages until ``complete``; a query or mutation sends one ``next`` and ``complete``. Request
errors are an ``error`` message; an error that ends a running subscription is a last ``next``
with the coded error, then ``complete``. Protocol violations close the socket with the
protocol's codes (4400, 4401, 4409, 4429).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from gateway.context import RequestContext, ScratchKey
from gateway.pipeline import Gateway, GatewayResponse

from .engine import Subscription, Subscriptions

__all__ = ["CONNECTION_PARAMS", "websocket_endpoint"]

PROTOCOL = "graphql-transport-ws"
CONNECTION_PARAMS: ScratchKey[Mapping[str, Any]] = ScratchKey("connection_params")
_INIT_TIMEOUT = 10.0
Redact = Callable[[list[dict[str, Any]], str], None]
# the request hooks for one subscribe: (query, variables, operation name, context) anew, or
# the error body of a stop
Before = Callable[..., Awaitable[Any]]
Current = Callable[[], tuple[Gateway, Redact | None, Before | None]]


def websocket_endpoint(
    engine: Subscriptions,
    current: Current,
    origin_allowed: Callable[[str | None, str | None], bool],
) -> Any:
    """The ASGI WebSocket endpoint; ``current`` gives the generation serving now;
    ``origin_allowed(origin, host)`` says whether a browser page may connect (refused with
    HTTP 403 before the upgrade)."""

    async def endpoint(websocket: WebSocket) -> None:
        headers = websocket.headers
        if not origin_allowed(headers.get("origin"), headers.get("host")):
            await websocket.close(1008)  # before accept: the upgrade is refused (403)
            return
        if PROTOCOL not in websocket.scope.get("subprotocols", []):
            await websocket.accept()
            await websocket.close(4406, "Subprotocol not acceptable")
            return
        await websocket.accept(subprotocol=PROTOCOL)
        await _Connection(websocket, engine, current).serve()

    return endpoint


class _ProtocolClose(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _Connection:
    def __init__(self, websocket: WebSocket, engine: Subscriptions, current: Current) -> None:
        self.ws = websocket
        self.engine = engine
        self.current = current
        self.context: RequestContext | None = None
        self.init_payload: dict[str, Any] = {}
        self.operations: dict[str, asyncio.Task[None]] = {}
        self.send_lock = asyncio.Lock()

    async def serve(self) -> None:
        pinger: asyncio.Task[None] | None = None
        try:
            try:
                async with asyncio.timeout(_INIT_TIMEOUT):
                    await self.initialise()
            except TimeoutError:
                raise _ProtocolClose(4408, "Connection initialisation timeout") from None
            pinger = asyncio.create_task(self.ping(self.engine.config.client_heartbeat))
            while True:
                await self.handle(await self.receive())
        except _ProtocolClose as exc:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await self.ws.close(exc.code, exc.reason)
        except WebSocketDisconnect:
            pass
        finally:
            if pinger is not None:
                pinger.cancel()
            for task in self.operations.values():
                task.cancel()
            await asyncio.gather(*self.operations.values(), return_exceptions=True)

    async def receive(self) -> dict[str, Any]:
        message = await self.ws.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        raw = message.get("text") or message.get("bytes")
        try:
            decoded = orjson.loads(raw or b"")
        except orjson.JSONDecodeError:
            raise _ProtocolClose(4400, "Invalid message received") from None
        if not isinstance(decoded, dict) or not isinstance(decoded.get("type"), str):
            raise _ProtocolClose(4400, "Invalid message received")
        return decoded

    async def initialise(self) -> None:
        message = await self.receive()
        if message["type"] != "connection_init":
            raise _ProtocolClose(4401, "Unauthorized")
        payload = message.get("payload") or {}
        if not isinstance(payload, dict):
            raise _ProtocolClose(4400, "connection_init payload must be an object")
        self.init_payload = payload
        self.context = _context(self.ws, payload)
        await self.send({"type": "connection_ack"})

    async def handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "pong":
            return
        elif kind == "connection_init":
            raise _ProtocolClose(4429, "Too many initialisation requests")
        elif kind == "subscribe":
            await self.subscribe(message)
        elif kind == "complete":
            task = self.operations.pop(str(message.get("id")), None)
            if task is not None:
                task.cancel()
        else:
            raise _ProtocolClose(4400, f"Unexpected message type {kind!r}")

    async def subscribe(self, message: dict[str, Any]) -> None:
        op_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(op_id, str) or not op_id or not isinstance(payload, dict):
            raise _ProtocolClose(4400, "subscribe needs an id and a payload")
        query = payload.get("query")
        variables = payload.get("variables")
        name = payload.get("operationName")
        if (
            not isinstance(query, str)
            or not isinstance(variables, dict | None)
            or not isinstance(name, str | None)
        ):
            raise _ProtocolClose(4400, "subscribe payload needs a query string")
        if op_id in self.operations:
            raise _ProtocolClose(4409, f"Subscriber for {op_id} already exists")
        limit = self.engine.config.max_per_connection
        if len(self.operations) >= limit:
            message_text = f"This connection's limit of {limit} open subscriptions is reached"
            await self.send_error(op_id, message_text, "SUBSCRIPTION_LIMIT_REACHED")
            return
        task = asyncio.create_task(self.run(op_id, query, variables, name))
        self.operations[op_id] = task
        task.add_done_callback(lambda _: self._forget(op_id, task))

    def _forget(self, op_id: str, task: asyncio.Task[None]) -> None:
        if self.operations.get(op_id) is task:
            del self.operations[op_id]

    async def run(
        self, op_id: str, query: str, variables: dict[str, Any] | None, name: str | None
    ) -> None:
        gateway, redact, before = self.current()
        assert self.context is not None
        context = self.context
        if before is not None:
            ran = await before(query, variables, name, context)
            if isinstance(ran, dict):
                await self.answer(op_id, GatewayResponse(ran, "request_error"), redact)
                return
            query, variables, name, context = ran
        if not self.engine.is_subscription(gateway, query, name):
            result = await gateway.run(query, variables, name, context=context)
            await self.answer(op_id, result, redact)
            return
        started = await self.engine.start(
            gateway, query, variables, name, context, self.init_payload
        )
        if isinstance(started, GatewayResponse):
            await self.answer(op_id, started, redact)
            return
        await self.pump(op_id, started, redact)

    async def pump(self, op_id: str, subscription: Subscription, redact: Redact | None) -> None:
        try:
            async for event in subscription.events():
                assert event is not None  # no heartbeat asked for
                self._redact(event.body, redact)
                await self.send({"type": "next", "id": op_id, "payload": event.body})
            await self.send({"type": "complete", "id": op_id})
        finally:
            subscription.cancel()

    async def answer(self, op_id: str, result: GatewayResponse, redact: Redact | None) -> None:
        self._redact(result.body, redact)
        if result.kind != "ok":
            await self.send({"type": "error", "id": op_id, "payload": result.body["errors"]})
            return
        await self.send({"type": "next", "id": op_id, "payload": result.body})
        await self.send({"type": "complete", "id": op_id})

    async def send_error(self, op_id: str, message: str, code: str) -> None:
        error = {"message": message, "extensions": {"code": code}}
        await self.send({"type": "error", "id": op_id, "payload": [error]})

    def _redact(self, body: dict[str, Any], redact: Redact | None) -> None:
        errors = body.get("errors")
        if errors and redact is not None and self.context is not None:
            redact(errors, self.context.request_id)

    async def send(self, message: dict[str, Any]) -> None:
        async with self.send_lock:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await self.ws.send_text(orjson.dumps(message).decode())

    async def ping(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.send({"type": "ping"})


def _context(websocket: WebSocket, payload: Mapping[str, Any]) -> RequestContext:
    """The upgrade request's headers plus the connection parameters' string entries."""
    headers = {k.lower(): v for k, v in websocket.headers.items()}
    nested = payload.get("headers")
    for source in (payload, nested if isinstance(nested, dict) else {}):
        for key, value in source.items():
            if isinstance(key, str) and isinstance(value, str):
                headers[key.lower()] = value
    peer = websocket.client
    context = RequestContext.create(
        headers, client=(peer.host, peer.port) if peer is not None else None
    )
    context.scratch.set(CONNECTION_PARAMS, payload)
    return context
