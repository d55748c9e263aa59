"""Subgraph response headers to the client, by rule (``headers.<all|subgraphs.X>.response``,
Hive Router's shape; Apollo Router has no such section).

Nothing reaches the client unless a rule says so. ``Propagate`` copies a subgraph's response
header (``named`` with ``rename``/``default``, or ``matching``); when several subgraphs send
one, ``algorithm`` picks: ``last`` (the default), ``first`` or ``append`` (joined with ", ").
Two headers never follow the algorithm, because only one merge is correct for them:
``Set-Cookie`` keeps every value, one header line each; ``Cache-Control`` is the most
restrictive of the subgraphs' (``no-store`` over ``no-cache`` over ``private``, the smallest
``max-age``), and when a propagating subgraph sent none, none goes to the client, since a
response is only as cacheable as its least cacheable part. ``Insert`` sets a static value,
``Remove`` drops what earlier rules set.

The wrapper ``CollectingClient`` records each response's headers in the request's context
(its scratch space), so that no stage between the executor and the server changes. Responses
are only collected when rules exist; then in-flight sharing is off (``sharing_allowed``), or two
clients could receive one subgraph's ``Set-Cookie``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from gateway.context import RequestContext, ScratchKey

from .base import SubgraphClient, SubgraphRequest, SubgraphResponse
from .headers import RESERVED, Insert, Remove

__all__ = [
    "NO_RESPONSE_HEADER_RULES",
    "CollectingClient",
    "ResponseHeaderRules",
    "ResponsePropagate",
    "ResponseRule",
    "header_values",
]

Algorithm = Literal["first", "last", "append"]
SEEN: ScratchKey[list[tuple[str, Mapping[str, str]]]] = ScratchKey("subgraph response headers")
# never copied to the client: the server writes its own framing and type
_RESPONSE_RESERVED = RESERVED | {"date", "server", "vary"}


@dataclass(frozen=True, slots=True)
class ResponsePropagate:
    named: str | None = None
    matching: re.Pattern[str] | None = None
    rename: str | None = None
    default: str | None = None
    algorithm: Algorithm = "last"


ResponseRule = ResponsePropagate | Insert | Remove


def header_values(headers: Mapping[str, str], name: str) -> list[str]:
    """Every value of ``name`` (aiohttp's and LocalClient's headers keep repeated ones)."""
    getall = getattr(headers, "getall", None)
    if getall is not None:
        return list(getall(name, []))
    value = headers.get(name)
    return [] if value is None else [value]


class CollectingClient:
    """``SubgraphClient`` that remembers each response's headers for the client response."""

    __slots__ = ("inner",)

    def __init__(self, inner: SubgraphClient) -> None:
        self.inner = inner

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        response = await self.inner.fetch(request)
        context = request.context
        if context is not None:
            seen = context.scratch.get(SEEN)
            if seen is None:
                seen = []
                context.scratch.set(SEEN, seen)
            seen.append((request.subgraph, response.headers))
        return response


class ResponseHeaderRules:
    __slots__ = ("_all", "_by_subgraph", "empty")

    def __init__(
        self,
        all_rules: Sequence[ResponseRule] = (),
        subgraphs: Mapping[str, Sequence[ResponseRule]] | None = None,
    ) -> None:
        self._all = tuple(all_rules)
        self._by_subgraph = {n: (*self._all, *r) for n, r in (subgraphs or {}).items()}
        self.empty = not self._all and not any(self._by_subgraph.values())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ResponseHeaderRules):
            return NotImplemented
        return (self._all, self._by_subgraph) == (other._all, other._by_subgraph)

    def __hash__(self) -> int:
        return hash(self._all)

    def rules_for(self, subgraph: str) -> tuple[ResponseRule, ...]:
        return self._by_subgraph.get(subgraph, self._all)

    def for_client(self, context: RequestContext) -> list[tuple[str, str]]:
        """The (name, value) pairs for the client response, repeated names kept."""
        seen = context.scratch.get(SEEN) or []
        merged = _Merged()
        for subgraph, headers in seen:
            merged.add(_apply(self.rules_for(subgraph), headers))
        return merged.pairs()


def _apply(
    rules: Iterable[ResponseRule], headers: Mapping[str, str]
) -> dict[str, tuple[Algorithm, list[str]]]:
    """One subgraph response through the rules: name → (algorithm, values)."""
    out: dict[str, tuple[Algorithm, list[str]]] = {}
    for rule in rules:
        match rule:
            case ResponsePropagate(named=str(named)):
                values = header_values(headers, named) or ([rule.default] if rule.default else [])
                if values and named not in _RESPONSE_RESERVED:
                    out[rule.rename or named] = (rule.algorithm, values)
            case ResponsePropagate(matching=re.Pattern() as pattern):
                for name in {n.lower() for n in headers}:
                    if name not in _RESPONSE_RESERVED and pattern.search(name):
                        out[name] = (rule.algorithm, header_values(headers, name))
            case Insert(name=name, value=str(value)):
                out[name] = ("last", [value])
            case Remove(named=str(named)):
                out.pop(named, None)
            case Remove(matching=re.Pattern() as pattern):
                for name in [n for n in out if pattern.search(n)]:
                    del out[name]
    return out


class _Merged:
    """Headers of several subgraph responses, merged by each header's algorithm."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}
        self.cache_control: list[str | None] = []

    def add(self, one: dict[str, tuple[Algorithm, list[str]]]) -> None:
        for name, (algorithm, values) in one.items():
            if name == "set-cookie":
                self.values.setdefault(name, []).extend(values)
            elif name == "cache-control":
                continue
            elif algorithm == "first":
                self.values.setdefault(name, values[:1])
            elif algorithm == "last" or name not in self.values:
                self.values[name] = values[-1:]
            else:
                self.values[name] = [", ".join([*self.values[name], *values])]
        cc = one.get("cache-control")
        self.cache_control.append(", ".join(cc[1]) if cc else None)

    def pairs(self) -> list[tuple[str, str]]:
        out = [(name, value) for name, values in self.values.items() for value in values]
        # a response without Cache-Control (or none propagated) makes the whole uncacheable
        if any(v is not None for v in self.cache_control):
            merged = most_restrictive(self.cache_control)
            if merged is not None:
                out.append(("cache-control", merged))
        return out


def most_restrictive(values: Sequence[str | None]) -> str | None:
    """The Cache-Control that fits every part of a response; None: send none at all."""
    if any(v is None for v in values):
        return None
    directives = [
        {
            d.strip().lower().partition("=")[0]: d.strip().partition("=")[2]
            for d in v.split(",")
            if d.strip()
        }
        for v in values
        if v is not None
    ]
    if any("no-store" in d for d in directives):
        return "no-store"
    if any("no-cache" in d for d in directives):
        return "no-cache"
    ages = [int(d["max-age"]) for d in directives if d.get("max-age", "").isdigit()]
    if len(ages) < len(directives):
        return None  # a part without max-age has no stated lifetime
    scope = "private" if any("private" in d for d in directives) else "public"
    return f"{scope}, max-age={min(ages)}"


NO_RESPONSE_HEADER_RULES = ResponseHeaderRules()
