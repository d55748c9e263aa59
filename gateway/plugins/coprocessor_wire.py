"""The coprocessor exchange on the wire, as Apollo Router's documentation and behaviour define
it: the HTTP call, the checks an answer must pass, headers as lists, context entries merged,
and the ``Facts`` a stage's ``condition`` reads.

An answer is a failure (``CoprocessorError``) when the coprocessor cannot be reached or times
out, answers a non-2xx status or something that is not a JSON object, has no ``version`` or
another one than 1, another ``stage``, no ``control`` at a request stage, or changes ``id``,
``subgraphRequestId`` or ``serviceName``.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import aiohttp
import orjson
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver

from gateway.config import CoprocessorStage

from .api import PluginRejection, context_entries

__all__ = [
    "BREAK_CODE",
    "VERSION",
    "CoprocessorError",
    "StageFacts",
    "apply_context",
    "break_status",
    "check_answer",
    "headers_of",
    "make_session",
    "post",
    "rejection",
    "sent_context",
    "wire_headers",
]

VERSION = 1
BREAK_CODE = "COPROCESSOR_BREAK"
# a coprocessor that echoes a request sends its framing headers back: never ours (Apollo
# drops content-length from every answer for the same reason)
_FRAMING = frozenset(
    {"content-length", "transfer-encoding", "connection", "keep-alive", "host", "upgrade"}
)
_NOT_RESPONSE_HEADERS = _FRAMING | {"accept", "accept-encoding", "x-request-id", "te", "trailer"}
_ECHOED = ("id", "subgraphRequestId", "serviceName")


class CoprocessorError(Exception):
    """The coprocessor did not answer as the protocol says."""


class _OrderedResolver(ThreadedResolver):
    """``ipv4_then_ipv6`` / ``ipv6_then_ipv4``: every address, one family's first."""

    def __init__(self, first: socket.AddressFamily) -> None:
        super().__init__()
        self._first = first

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_UNSPEC
    ) -> list[ResolveResult]:
        found = await super().resolve(host, port, socket.AF_UNSPEC)
        return sorted(found, key=lambda r: r["family"] != self._first)


def make_session(timeout: float, dns: str) -> aiohttp.ClientSession:
    """One pooled session per coprocessor, its DNS strategy as Apollo's ``client`` says."""
    if dns == "ipv4_only":
        connector = aiohttp.TCPConnector(family=socket.AF_INET)
    elif dns == "ipv6_only":
        connector = aiohttp.TCPConnector(family=socket.AF_INET6)
    elif dns == "ipv4_and_ipv6":
        connector = aiohttp.TCPConnector()
    else:
        first = socket.AF_INET if dns == "ipv4_then_ipv6" else socket.AF_INET6
        # sequential, in the resolver's order (no happy-eyeballs interleaving)
        connector = aiohttp.TCPConnector(
            resolver=_OrderedResolver(first), happy_eyeballs_delay=None
        )
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout))


async def post(session: aiohttp.ClientSession, url: str, payload: dict[str, Any]) -> Any:
    headers = {"content-type": "application/json", "accept": "application/json"}
    stage = payload["stage"]
    try:
        async with session.post(url, data=orjson.dumps(payload), headers=headers) as resp:
            raw = await resp.read()
            status = resp.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise CoprocessorError(f"{stage}: {type(exc).__name__}: {exc}") from exc
    if not 200 <= status <= 299:
        raise CoprocessorError(f"{stage}: HTTP {status}")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CoprocessorError(f"{stage}: the answer is not JSON") from exc


def check_answer(answer: Any, payload: Mapping[str, Any]) -> dict[str, Any]:
    stage = payload["stage"]
    if not isinstance(answer, dict):
        raise CoprocessorError(f"{stage}: the answer is not a JSON object")
    if answer.get("version") != VERSION:
        raise CoprocessorError(f"{stage}: the answer must have version 1")
    if answer.get("stage") != stage:
        raise CoprocessorError(f"{stage}: the answer names another stage")
    if stage.endswith("Request") and "control" not in answer:
        raise CoprocessorError(f"{stage}: the answer has no control (continue or break)")
    for key in _ECHOED:
        if key in payload and key in answer and answer[key] != payload[key]:
            raise CoprocessorError(f"{stage}: the answer changed {key}")
    return answer


def break_status(answer: Mapping[str, Any], stage: str) -> int | None:
    """``None`` for ``continue`` (or no control), the status of ``{"break": status}``."""
    control = answer.get("control", "continue")
    if control == "continue":
        return None
    status = control.get("break") if isinstance(control, dict) else None
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise CoprocessorError(f"{stage}: control must be 'continue' or {{'break': status}}")
    return status


def rejection(answer: Mapping[str, Any], status: int, stage: str) -> PluginRejection:
    """A break at a request stage: ``body`` is a GraphQL response (at the router stages JSON
    text holding one) or text, the message of one error."""
    body = graphql_body(answer.get("body"), stage)
    headers = headers_of(answer["headers"]) if "headers" in answer else {}
    headers = {k: v for k, v in headers.items() if k not in _NOT_RESPONSE_HEADERS}
    if isinstance(body, dict):
        return PluginRejection(
            "stopped by the coprocessor", status=status, headers=headers, body=body
        )
    message = body if isinstance(body, str) and body else f"Stopped by the coprocessor ({stage})"
    return PluginRejection(message, code=BREAK_CODE, status=status, headers=headers)


def graphql_body(body: Any, stage: str) -> Any:
    """A GraphQL response object (from an object, or JSON text of one), else the text.
    An object that is no GraphQL response (neither ``data`` nor a list of ``errors``) fails."""
    if isinstance(body, str):
        try:
            decoded = orjson.loads(body)
        except orjson.JSONDecodeError:
            return body
        if not isinstance(decoded, dict):
            return body
        body = decoded
    if isinstance(body, dict):
        errors = body.get("errors")
        if ("data" not in body and errors is None) or (
            errors is not None and not isinstance(errors, list)
        ):
            raise CoprocessorError(f"{stage}: the body is not a GraphQL response")
    return body


def wire_headers(headers: Mapping[str, str]) -> dict[str, list[str]]:
    """Lower-case names as HTTP/2 and Apollo send them; every line of a header sent on
    several (the server's multi-mapping has ``getlist``). ``str()``: multidict's ``istr`` is
    refused by orjson."""
    getlist = getattr(headers, "getlist", None)
    if getlist is not None:
        return {str(name).lower(): [str(v) for v in getlist(name)] for name in headers}
    return {str(name).lower(): [str(value)] for name, value in headers.items()}


def headers_of(wire: Any) -> dict[str, str]:
    """Apollo's ``{name: [values]}`` (a bare string is taken as one value); several values
    of a name are joined as HTTP allows; ``content-length`` is dropped."""
    if not isinstance(wire, dict):
        raise CoprocessorError("headers must be an object of name → list of values")
    out: dict[str, str] = {}
    for name, values in wire.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise CoprocessorError(f"header {name!r} must be a list of strings")
        lower = str(name).lower()
        if lower != "content-length":
            out[lower] = ", ".join(values)
    return out


def sent_context(stage: CoprocessorStage, context: Any) -> dict[str, Any]:
    entries = context_entries(context)
    if stage.context_keys is None:
        return entries
    return {k: v for k, v in entries.items() if k in stage.context_keys}


def apply_context(answer: Mapping[str, Any], context: Any) -> None:
    """Apollo merges the answer's entries into the context (an entry left out stays)."""
    sent = answer.get("context")
    if context is None or not isinstance(sent, dict):
        return
    entries = sent.get("entries")
    if isinstance(entries, dict):
        context_entries(context).update(entries)


class StageFacts:
    """What a stage's condition reads: the request (and response) it is about."""

    __slots__ = ("_facts",)

    def __init__(self, **facts: Any) -> None:
        self._facts = facts

    def fact(self, name: str, argument: Any) -> Any:
        found = self._facts.get(name)
        if isinstance(found, Mapping):
            return found.get(argument.lower() if name.endswith("header") else argument)
        if found is not None and name.endswith("_status") and argument == "reason":
            try:
                return HTTPStatus(found).phrase
            except ValueError:
                return None
        return found
