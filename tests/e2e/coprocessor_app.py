"""A coprocessor written for Apollo Router's protocol, knowing nothing of fedgate:
``python -m tests.e2e.coprocessor_app --port N``. Starlette, served by uvicorn.

RouterRequest: a client that sends ``x-deny`` is stopped with ``{"break": 401}``; the others
get ``x-copro: router`` added to their headers and ``tenant`` (from ``x-tenant``) in the
context. SupergraphRequest: adds ``x-copro-supergraph: <operationName>``. SupergraphResponse:
adds ``extensions.coprocessor``. ExecutionRequest: puts the plan's root node kind in the
context (``plan``). SubgraphRequest: adds ``x-copro-subgraph: <tenant>@<serviceName>`` and
``x-copro-plan``; a client that sent ``x-deny-subgraph`` is stopped there. SubgraphResponse:
adds an ``x-copro-linked`` entry to the echoed headers (``yes`` when its
``subgraphRequestId`` is a SubgraphRequest's). RouterResponse: adds ``x-copro-response``.
"""

from __future__ import annotations

import argparse
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

DENIED = {"errors": [{"message": "Not authenticated.", "extensions": {"code": "ERR_DENIED"}}]}


def router_request(payload: dict[str, Any]) -> dict[str, Any]:
    headers = payload["headers"]
    if "x-deny" in headers:
        return {**payload, "control": {"break": 401}, "body": DENIED}
    headers["x-copro"] = ["router"]
    tenant = headers.get("x-tenant", ["none"])[0]
    payload["context"]["entries"]["tenant"] = tenant
    return payload


def execution_request(payload: dict[str, Any]) -> dict[str, Any]:
    payload["context"]["entries"]["plan"] = payload["queryPlan"]["node"]["kind"]
    return payload


SUBGRAPH_CALLS: set[str] = set()


def subgraph_request(payload: dict[str, Any]) -> dict[str, Any]:
    SUBGRAPH_CALLS.add(payload["subgraphRequestId"])
    if payload["context"]["entries"].get("deny-subgraph"):
        return {**payload, "control": {"break": 401}, "body": "subgraph call refused"}
    tenant = payload["context"]["entries"].get("tenant", "?")
    payload["headers"]["x-copro-subgraph"] = [f"{tenant}@{payload['serviceName']}"]
    payload["headers"]["x-copro-plan"] = [payload["context"]["entries"].get("plan", "-")]
    return payload


def supergraph_request(payload: dict[str, Any]) -> dict[str, Any]:
    # the body is the GraphQL request as an object at this stage
    payload["headers"]["x-copro-supergraph"] = [payload["body"].get("operationName") or "-"]
    return payload


def supergraph_response(payload: dict[str, Any]) -> dict[str, Any]:
    payload["body"].setdefault("extensions", {})["coprocessor"] = "seen"
    return payload


def subgraph_response(payload: dict[str, Any]) -> dict[str, Any]:
    # the echo subgraphs answer lists of headers: add one saying whether this response's id
    # is that of a request this coprocessor saw
    known = "yes" if payload["subgraphRequestId"] in SUBGRAPH_CALLS else "no"
    for headers in payload["body"]["data"].values():
        headers.append({"name": "x-copro-linked", "value": known})
    return payload


def router_response(payload: dict[str, Any]) -> dict[str, Any]:
    payload["headers"]["x-copro-response"] = [str(payload["statusCode"])]
    return payload


async def handle(request: Request) -> JSONResponse:
    payload = await request.json()
    stage = payload["stage"]
    if stage == "RouterRequest" and "x-deny-subgraph" in payload["headers"]:
        payload["context"]["entries"]["deny-subgraph"] = True
    handlers = {
        "RouterRequest": router_request,
        "SupergraphRequest": supergraph_request,
        "SupergraphResponse": supergraph_response,
        "ExecutionRequest": execution_request,
        "SubgraphRequest": subgraph_request,
        "SubgraphResponse": subgraph_response,
        "RouterResponse": router_response,
    }
    return JSONResponse(handlers[stage](payload))


async def health(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/", handle, methods=["POST"]), Route("/health", health)])


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
