"""The per-request context: made once by the server, read by every later stage.

``RequestContext`` is frozen: stages read it, and the one thing a stage may add later
(authentication claims) comes as a new context from ``with_claims``. Plugins keep their own
per-request values in the typed ``Scratch`` space, keyed by ``ScratchKey`` objects they own, so
two plugins never collide on a string and a value always comes back with the type it went in
with.

Cheap on purpose: a request without ``x-request-id`` or ``traceparent`` costs one id and one
small object; the client's headers are the server's own (read-only) mapping, not a copy.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, TypeVar, cast

__all__ = [
    "CONTEXT_ENTRIES",
    "REQUEST_ID_HEADER",
    "RequestContext",
    "Scratch",
    "ScratchKey",
    "TraceContext",
    "parse_traceparent",
]

T = TypeVar("T")

REQUEST_ID_HEADER = "x-request-id"
# A client's id is echoed and logged: only plain tokens, so it cannot forge log lines.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
# W3C Trace Context level 1: version-traceid-parentid-flags, lower-case hex.
_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")
_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class TraceContext:
    """A parsed ``traceparent`` (and the ``tracestate`` that travels with it, unparsed)."""

    trace_id: str
    parent_id: str
    flags: int
    version: str = "00"
    tracestate: str | None = None

    @property
    def sampled(self) -> bool:
        return bool(self.flags & 1)

    @property
    def traceparent(self) -> str:
        return f"{self.version}-{self.trace_id}-{self.parent_id}-{self.flags:02x}"


def parse_traceparent(value: str | None, tracestate: str | None = None) -> TraceContext | None:
    """``None`` for a missing or invalid header (the spec says: then start a new trace)."""
    if not value:
        return None
    match = _TRACEPARENT.fullmatch(value.strip())
    if match is None:
        return None
    version, trace_id, parent_id, flags = match.groups()
    # All-zero ids are invalid; version ff is forbidden.
    if version == "ff" or trace_id == "0" * 32 or parent_id == "0" * 16:
        return None
    return TraceContext(trace_id, parent_id, int(flags, 16), version, tracestate or None)


class ScratchKey(Generic[T]):
    """A plugin's key into ``Scratch``; the name is for humans (logs, reprs)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"ScratchKey({self.name!r})"


class Scratch:
    """Typed per-request values for plugins (the one mutable part of a request's context)."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[ScratchKey[Any], Any] | None = None

    def get(self, key: ScratchKey[T], default: T | None = None) -> T | None:
        if self._values is None:
            return default
        return cast("T | None", self._values.get(key, default))

    def set(self, key: ScratchKey[T], value: T) -> None:
        if self._values is None:
            self._values = {}
        self._values[key] = value

    def __contains__(self, key: object) -> bool:
        return self._values is not None and key in self._values


# Apollo Router's request context: string keys, JSON values; set by plugins and coprocessors,
# read by header rules (``insert: {from_context}``)
CONTEXT_ENTRIES: ScratchKey[dict[str, Any]] = ScratchKey("context entries")


@dataclass(frozen=True, slots=True)
class RequestContext:
    """One client request as every stage sees it.

    ``headers``: the client's request headers (lower-case names, read-only);
    ``client``: (address, port) of the peer, when known; ``request_id``: the client's
    ``x-request-id`` when it is a plain token, else a fresh one (echoed in the response and
    put on every log line about the request); ``deadline``: ``time.monotonic()`` by which the
    request must be answered, or None; ``claims``: authentication claims, set by the
    authentication stage; ``trace``: the W3C trace context the client sent.
    """

    headers: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    client: tuple[str, int] | None = None
    request_id: str = ""
    deadline: float | None = None
    claims: Mapping[str, Any] | None = None
    trace: TraceContext | None = None
    scratch: Scratch = field(default_factory=Scratch, compare=False)

    @classmethod
    def create(
        cls,
        headers: Mapping[str, str] = _EMPTY,
        *,
        client: tuple[str, int] | None = None,
        timeout: float | None = None,
    ) -> RequestContext:
        """The context of a request that just arrived (``timeout``: seconds it may take)."""
        given = headers.get(REQUEST_ID_HEADER)
        # 128 random bits as hex, like a uuid4 without building one (a quarter of the cost)
        request_id = given if given and _REQUEST_ID.fullmatch(given) else os.urandom(16).hex()
        parent = headers.get("traceparent")
        trace = parse_traceparent(parent, headers.get("tracestate")) if parent else None
        deadline = None if timeout is None else time.monotonic() + timeout
        return cls(headers, client, request_id, deadline, None, trace)

    def with_claims(self, claims: Mapping[str, Any]) -> RequestContext:
        """The same request, authenticated (the scratch space is shared, not copied). Claims
        given read-only (a ``MappingProxyType``, as the JWT authenticator hands them out) are
        kept as they are; any other mapping is copied, so nobody can change them later."""
        if type(claims) is not MappingProxyType:
            claims = MappingProxyType(dict(claims))
        # the constructor, not dataclasses.replace: this runs on every authenticated request
        return RequestContext(
            self.headers,
            self.client,
            self.request_id,
            self.deadline,
            claims,
            self.trace,
            self.scratch,
        )

    def remaining(self) -> float | None:
        """Seconds left before the deadline (never negative); None without a deadline."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())
