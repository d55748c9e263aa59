"""Which headers a subgraph request carries: Apollo Router's ``headers`` rules.

Rules run in order, the ``all`` rules first and then the subgraph's own, over the outgoing
header set (which starts empty: nothing of the client's request is forwarded unless a rule
says so). ``Propagate`` copies a client header (one by name, with ``rename`` and ``default``, or
every header whose name matches a regex); ``Insert`` sets a static value, one from the
request's context (an Apollo context entry, or fedgate's ``CONTEXT_VALUES``) or one from the
GraphQL request body by a JSON path (``body_path.py``); ``Remove`` drops headers set by
earlier rules. Hop-by-hop and body headers (``RESERVED``) are never propagated or inserted:
the transport owns them. A client header sent on several lines is propagated with all its
values (as Apollo Router does), as one line.

The rule set is compiled at start-up. With no rules at all, ``bind`` returns one shared object
that hands every subgraph request the same ``DEFAULT_HEADERS`` mapping: the hot path then pays
a method call per fetch and nothing else. With rules, each subgraph's headers are built once
per client request, the first time a fetch to it goes out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

import orjson

from gateway.context import CONTEXT_ENTRIES, RequestContext

from .base import DEFAULT_HEADERS
from .body_path import REQUEST_BODY, body_value

__all__ = [
    "CONTEXT_VALUES",
    "NO_HEADER_RULES",
    "RESERVED",
    "HeaderRule",
    "HeaderRules",
    "Insert",
    "Propagate",
    "Remove",
    "SubgraphHeaders",
]

# Never copied from the client nor set by a rule (the brief's list, Apollo Router's too):
# connection-level headers, the body's framing and type, and what the transport negotiates.
RESERVED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "content-type",
        "content-encoding",
        "accept",
        "accept-encoding",
    }
)

# ``insert: {name, from_context}``: fedgate's own values of the request's context; any other
# name is an Apollo context entry (set by a plugin or a coprocessor).
CONTEXT_VALUES = ("request_id", "traceparent", "tracestate", "client_address")


@dataclass(frozen=True, slots=True)
class Propagate:
    """Exactly one of ``named`` and ``matching``; ``rename``/``default`` only with ``named``."""

    named: str | None = None
    matching: re.Pattern[str] | None = None
    rename: str | None = None
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Insert:
    """Exactly one of ``value`` (static), ``from_context`` (one of ``CONTEXT_VALUES`` or a
    context entry) and ``path`` (into the request body; ``default`` when nothing is there)."""

    name: str
    value: str | None = None
    from_context: str | None = None
    path: tuple[str | int, ...] | None = None
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Remove:
    named: str | None = None
    matching: re.Pattern[str] | None = None


HeaderRule = Propagate | Insert | Remove


class SubgraphHeaders(Protocol):
    """The headers of one client request's subgraph calls."""

    def for_subgraph(self, name: str) -> Mapping[str, str]: ...


class _Defaults:
    """No rules: every subgraph request shares one mapping."""

    __slots__ = ()

    def for_subgraph(self, name: str) -> Mapping[str, str]:
        return DEFAULT_HEADERS


_DEFAULTS = _Defaults()


class HeaderRules:
    """The ``headers`` configuration, compiled: ``all`` rules, then per-subgraph rules."""

    __slots__ = ("_all", "_by_subgraph", "empty", "uses_body")

    def __init__(
        self,
        all_rules: Sequence[HeaderRule] = (),
        subgraphs: Mapping[str, Sequence[HeaderRule]] | None = None,
    ) -> None:
        self._all = tuple(all_rules)
        by_subgraph = {name: (*self._all, *rules) for name, rules in (subgraphs or {}).items()}
        self._by_subgraph: Mapping[str, tuple[HeaderRule, ...]] = MappingProxyType(by_subgraph)
        self.empty = not self._all and not any(by_subgraph.values())
        # only then does the server keep each request's body in its context
        every = (*self._all, *(r for rules in by_subgraph.values() for r in rules))
        self.uses_body = any(isinstance(r, Insert) and r.path is not None for r in every)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HeaderRules):
            return NotImplemented
        return (self._all, dict(self._by_subgraph)) == (other._all, dict(other._by_subgraph))

    def __hash__(self) -> int:
        return hash(self._all)

    def __repr__(self) -> str:
        return f"HeaderRules(all={list(self._all)!r}, subgraphs={dict(self._by_subgraph)!r})"

    def rules_for(self, subgraph: str) -> tuple[HeaderRule, ...]:
        return self._by_subgraph.get(subgraph, self._all)

    def bind(self, context: RequestContext | None) -> SubgraphHeaders:
        """The per-request view (shared and free when there are no rules)."""
        if self.empty or context is None:
            return _DEFAULTS
        return _Bound(self, context)

    def build(self, subgraph: str, context: RequestContext) -> Mapping[str, str]:
        rules = self.rules_for(subgraph)
        if not rules:
            return DEFAULT_HEADERS
        out: dict[str, str] = {}
        for rule in rules:
            _apply(rule, context, out)
        out.update(DEFAULT_HEADERS)
        return MappingProxyType(out)


NO_HEADER_RULES = HeaderRules()


class _Bound:
    __slots__ = ("_built", "_context", "_rules")

    def __init__(self, rules: HeaderRules, context: RequestContext) -> None:
        self._rules = rules
        self._context = context
        self._built: dict[str, Mapping[str, str]] = {}

    def for_subgraph(self, name: str) -> Mapping[str, str]:
        headers = self._built.get(name)
        if headers is None:
            headers = self._built[name] = self._rules.build(name, self._context)
        return headers


def _apply(rule: HeaderRule, context: RequestContext, out: dict[str, str]) -> None:
    match rule:
        case Propagate(named=str(named)):
            value = _joined(context.headers, named.lower())
            if value is None:
                value = rule.default
            if value is not None and named.lower() not in RESERVED:
                out[(rule.rename or named).lower()] = value
        case Propagate(matching=re.Pattern() as pattern):
            matched: dict[str, list[str]] = {}
            for name, value in context.headers.items():
                lowered = name.lower()
                if lowered not in RESERVED and pattern.search(lowered):
                    matched.setdefault(lowered, []).append(value)
            for lowered, values in matched.items():
                out[lowered] = _join(lowered, values)
        case Insert(name=name):
            if rule.path is not None:
                value = body_value(context.scratch.get(REQUEST_BODY), rule.path) or rule.default
            elif rule.from_context is not None:
                value = _from_context(rule.from_context, context)
            else:
                value = rule.value
            if value is not None:
                out[name.lower()] = value
        case Remove(named=str(named)):
            out.pop(named.lower(), None)
        case Remove(matching=re.Pattern() as pattern):
            for name in [n for n in out if pattern.search(n)]:
                del out[name]
        case _:
            raise AssertionError(f"malformed header rule {rule!r}")


def _joined(headers: Mapping[str, str], name: str) -> str | None:
    """Every value of a client header repeated on several lines (the server's headers are a
    multi-mapping with ``getlist``; a plain mapping has one value a name)."""
    getlist = getattr(headers, "getlist", None)
    if getlist is None:
        return headers.get(name)
    values: list[str] = getlist(name)
    return _join(name, values) if values else None


def _join(name: str, values: list[str]) -> str:
    """Repeated header lines as one, which HTTP defines as the same (RFC 9110, 5.3): values
    joined by commas; cookies by "; " (RFC 6265, 5.4: one Cookie header)."""
    if len(values) == 1:
        return values[0]
    return ("; " if name == "cookie" else ", ").join(values)


def _from_context(key: str, context: RequestContext) -> str | None:
    match key:
        case "request_id":
            return context.request_id or None
        case "traceparent":
            return context.trace.traceparent if context.trace else None
        case "tracestate":
            return context.trace.tracestate if context.trace else None
        case "client_address":
            return context.client[0] if context.client else None
    # Apollo: a context entry; text as it is, other JSON values as JSON text
    entries = context.scratch.get(CONTEXT_ENTRIES)
    value = entries.get(key) if entries is not None else None
    if value is None:
        return None
    return value if isinstance(value, str) else orjson.dumps(value).decode()
