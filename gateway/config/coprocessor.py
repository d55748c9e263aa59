"""Apollo Router's ``coprocessor`` section: its schema and the ``CoprocessorConfig`` it makes.

Each stage lists what is sent to the coprocessor (``headers: true``, ``body: true``, ...); a
stage left out is not called at all. ``context`` takes Apollo 2.x's values (``all``,
``deprecated``; ``true`` as in 1.x); fedgate has no deprecated context keys, so both send
every entry. Conditions are not supported yet.
"""

from __future__ import annotations

from typing import Any

from gateway.errors import ConfigError

from .model import CoprocessorConfig
from .schema import Anything, Bool, Duration, Obj, Str, Unsupported
from .source import Source

__all__ = ["COPROCESSOR", "coprocessor_config"]

_CONTEXT = Anything("true, false, all or deprecated: send the request context")
_ROUTER_REQUEST = Obj(
    {
        **{k: Bool(f"send the {k}") for k in ("headers", "body", "sdl", "path", "method")},
        "context": _CONTEXT,
        "condition": Unsupported("coprocessor conditions"),
    }
)
_ROUTER_RESPONSE = Obj(
    {
        **{k: Bool(f"send the {k}") for k in ("headers", "body", "sdl", "status_code")},
        "context": _CONTEXT,
        "condition": Unsupported("coprocessor conditions"),
    }
)
_SUPERGRAPH_REQUEST = Obj(
    {
        **{k: Bool(f"send the {k}") for k in ("headers", "body", "sdl", "method")},
        "context": _CONTEXT,
        "condition": Unsupported("coprocessor conditions"),
    }
)
_SUPERGRAPH_RESPONSE = Obj(
    {
        **{k: Bool(f"send the {k}") for k in ("headers", "body", "sdl", "status_code")},
        "context": _CONTEXT,
        "condition": Unsupported("coprocessor conditions"),
    }
)
_EXECUTION_REQUEST = Obj(
    {
        **{k: Bool(f"send the {k}") for k in ("headers", "body", "sdl", "method", "query_plan")},
        "context": _CONTEXT,
        "condition": Unsupported("coprocessor conditions"),
    }
)
_SUBGRAPH_FIELDS = ("headers", "body", "uri", "method", "service_name", "subgraph_request_id")
_SUBGRAPH_REQUEST = Obj(
    {
        **{k: Bool(f"send the {k}") for k in _SUBGRAPH_FIELDS},
        "context": _CONTEXT,
        "condition": Unsupported("coprocessor conditions"),
    }
)
_SUBGRAPH_RESPONSE = Obj(
    {
        **{
            k: Bool(f"send the {k}")
            for k in ("headers", "body", "service_name", "status_code", "subgraph_request_id")
        },
        "context": _CONTEXT,
        "condition": Unsupported("coprocessor conditions"),
    }
)
COPROCESSOR = Obj(
    {
        "url": Str("the coprocessor's URL (http:// or https://)", pattern=r"https?://.+"),
        "timeout": Duration("per coprocessor call (default 1s)"),
        "client": Unsupported("coprocessor client settings"),
        "router": Obj({"request": _ROUTER_REQUEST, "response": _ROUTER_RESPONSE}),
        "supergraph": Obj({"request": _SUPERGRAPH_REQUEST, "response": _SUPERGRAPH_RESPONSE}),
        "execution": Obj({"request": _EXECUTION_REQUEST, "response": _SUPERGRAPH_RESPONSE}),
        "subgraph": Obj(
            {"all": Obj({"request": _SUBGRAPH_REQUEST, "response": _SUBGRAPH_RESPONSE})}
        ),
    },
    "Apollo Router's external coprocessor (docs/coprocessor.md)",
    required=("url",),
)


def coprocessor_config(raw: dict[str, Any], source: Source) -> CoprocessorConfig:
    def fields(stage: dict[str, Any] | None, path: tuple[str, ...]) -> frozenset[str] | None:
        if stage is None:
            return None
        context = stage.get("context", False)
        if context not in (True, False, "all", "deprecated"):
            where = source.where((*path, "context"))
            raise ConfigError(
                f"{where}: {'.'.join(path)}.context must be true, false, all or deprecated"
            )
        sent = {k for k, v in stage.items() if v is True and k != "context"}
        return frozenset(sent | ({"context"} if context else set()))

    router = raw.get("router", {})
    supergraph = raw.get("supergraph", {})
    execution = raw.get("execution", {})
    subgraph = raw.get("subgraph", {}).get("all", {})
    return CoprocessorConfig(
        raw["url"],
        raw.get("timeout", 1.0),
        fields(router.get("request"), ("coprocessor", "router", "request")),
        fields(router.get("response"), ("coprocessor", "router", "response")),
        fields(subgraph.get("request"), ("coprocessor", "subgraph", "all", "request")),
        fields(subgraph.get("response"), ("coprocessor", "subgraph", "all", "response")),
        fields(supergraph.get("request"), ("coprocessor", "supergraph", "request")),
        fields(supergraph.get("response"), ("coprocessor", "supergraph", "response")),
        fields(execution.get("request"), ("coprocessor", "execution", "request")),
        fields(execution.get("response"), ("coprocessor", "execution", "response")),
    )
