"""Apollo Router's ``coprocessor`` section: its schema and the ``CoprocessorConfig`` it makes.

Each stage lists what is sent to the coprocessor (``headers: true``, ``body: true``, ...); a
stage left out is not called at all. ``context`` takes Apollo 2.x's values (``all``,
``deprecated``, ``{selective: [keys]}``; ``true`` as in 1.x); fedgate has no deprecated
context keys, so ``deprecated`` and ``true`` send every entry as ``all`` does. A stage may
have its own ``url``, ``detached: true`` (sent without waiting; the answer is not applied)
and a ``condition`` (Apollo's condition language, see
``conditions.py``; not on the execution stage, as in Apollo). ``client``: Apollo's
``dns_resolution_strategy``; ``experimental_http2`` only as ``disable`` or ``enable``
(fedgate's client speaks HTTP/1.1, which ``enable`` allows), ``http2only`` is refused.
"""

from __future__ import annotations

from typing import Any

from gateway.errors import ConfigError

from .conditions import parse_condition
from .model import CoprocessorConfig, CoprocessorStage
from .schema import Anything, Bool, Duration, Obj, Str, Unsupported
from .source import Source

__all__ = ["COPROCESSOR", "coprocessor_config"]

_URL = Str("the coprocessor's URL (http:// or https://)", pattern=r"https?://.+")
_CONTEXT = Anything("true, false, all, deprecated or {selective: [keys]}: send the context")
_CONDITION = Anything("Apollo's condition: the stage is called only when it holds")
_DETACHED = Bool("send without waiting for the answer (which is then not applied)")


def _stage(fields: tuple[str, ...], *, condition: bool = True) -> Obj:
    keys: dict[str, Any] = {k: Bool(f"send the {k}") for k in fields}
    keys["context"] = _CONTEXT
    keys["url"] = Str("this stage's coprocessor URL (default: coprocessor.url)", r"https?://.+")
    keys["detached"] = _DETACHED
    keys["condition"] = (
        _CONDITION if condition else Unsupported("conditions on the execution stage (as Apollo)")
    )
    return Obj(keys)


_ROUTER_REQUEST = _stage(("headers", "body", "sdl", "path", "method"))
_ROUTER_RESPONSE = _stage(("headers", "body", "sdl", "status_code"))
_SUPERGRAPH_REQUEST = _stage(("headers", "body", "sdl", "method"))
_SUPERGRAPH_RESPONSE = _stage(("headers", "body", "sdl", "status_code"))
_EXECUTION_REQUEST = _stage(("headers", "body", "sdl", "method", "query_plan"), condition=False)
_EXECUTION_RESPONSE = _stage(("headers", "body", "sdl", "status_code"), condition=False)
_SUBGRAPH_REQUEST = _stage(
    ("headers", "body", "uri", "method", "service_name", "subgraph_request_id")
)
_SUBGRAPH_RESPONSE = _stage(
    ("headers", "body", "service_name", "status_code", "subgraph_request_id")
)
_CLIENT = Obj(
    {
        "experimental_http2": Str("disable or enable (http2only is not supported)"),
        "dns_resolution_strategy": Str(
            "ipv4_only, ipv6_only, ipv4_and_ipv6, ipv4_then_ipv6 (default) or ipv6_then_ipv4"
        ),
    }
)
COPROCESSOR = Obj(
    {
        "url": _URL,
        "timeout": Duration("per coprocessor call (default 1s)"),
        "client": _CLIENT,
        "response_validation": Bool("check GraphQL bodies the coprocessor answers (always on)"),
        "router": Obj({"request": _ROUTER_REQUEST, "response": _ROUTER_RESPONSE}),
        "supergraph": Obj({"request": _SUPERGRAPH_REQUEST, "response": _SUPERGRAPH_RESPONSE}),
        "execution": Obj({"request": _EXECUTION_REQUEST, "response": _EXECUTION_RESPONSE}),
        "subgraph": Obj(
            {"all": Obj({"request": _SUBGRAPH_REQUEST, "response": _SUBGRAPH_RESPONSE})}
        ),
    },
    "Apollo Router's external coprocessor (docs/coprocessor.md)",
    required=("url",),
)
DNS_STRATEGIES = ("ipv4_only", "ipv6_only", "ipv4_and_ipv6", "ipv4_then_ipv6", "ipv6_then_ipv4")


def coprocessor_config(raw: dict[str, Any], source: Source) -> CoprocessorConfig:
    def stage(service: str, side: str, path: tuple[str, ...]) -> CoprocessorStage | None:
        section = raw.get(service, {})
        if service == "subgraph":
            section = section.get("all", {})
        found: dict[str, Any] | None = section.get(side)
        if found is None:
            return None
        sent = {
            k
            for k, v in found.items()
            if v is True and k not in ("context", "condition", "detached")
        }
        keys = _context(found.get("context", False), path, source)
        if keys is not False:
            sent.add("context")
        condition = None
        if "condition" in found:
            condition = parse_condition(
                found["condition"], service, side, (*path, "condition"), source.where
            )
        return CoprocessorStage(
            frozenset(sent),
            condition,
            found.get("url"),
            keys if isinstance(keys, frozenset) else None,
            found.get("detached", False),
        )

    def at(service: str, side: str) -> CoprocessorStage | None:
        path = ("coprocessor", service, *(("all",) if service == "subgraph" else ()), side)
        return stage(service, side, path)

    client = raw.get("client", {})
    http2 = client.get("experimental_http2", "enable")
    if http2 not in ("enable", "disable"):
        where = source.where(("coprocessor", "client", "experimental_http2"))
        raise ConfigError(
            f"{where}: coprocessor.client.experimental_http2: {http2!r} is not supported by "
            "fedgate (its coprocessor client speaks HTTP/1.1: use enable or disable)"
        )
    dns = client.get("dns_resolution_strategy", "ipv4_then_ipv6")
    if dns not in DNS_STRATEGIES:
        where = source.where(("coprocessor", "client", "dns_resolution_strategy"))
        raise ConfigError(
            f"{where}: coprocessor.client.dns_resolution_strategy must be one of "
            f"{', '.join(DNS_STRATEGIES)}"
        )
    return CoprocessorConfig(
        raw["url"],
        raw.get("timeout", 1.0),
        at("router", "request"),
        at("router", "response"),
        at("subgraph", "request"),
        at("subgraph", "response"),
        at("supergraph", "request"),
        at("supergraph", "response"),
        at("execution", "request"),
        at("execution", "response"),
        dns,
    )


def _context(value: Any, path: tuple[str, ...], source: Source) -> bool | frozenset[str]:
    """``False`` (not sent), ``True`` (every entry) or the selective keys."""
    if value in (True, "all", "deprecated"):
        return True
    if value is False:
        return False
    if isinstance(value, dict) and set(value) == {"selective"}:
        keys = value["selective"]
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            return frozenset(keys)
    where = source.where((*path, "context"))
    raise ConfigError(
        f"{where}: {'.'.join(path)}.context must be true, false, all, deprecated or "
        "{selective: [context keys]}"
    )
