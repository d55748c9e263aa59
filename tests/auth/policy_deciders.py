"""Two deciders of @policy, as users would write them: a fedgate Python plugin and an Apollo
Router coprocessor (SupergraphRequest stage). Both grant a policy when the token's ``roles``
claim lists its name; each records the policies it was asked about."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.plugins import RouterRequest
from gateway.plugins.api import context_entries

CLAIMS = "apollo::authentication::jwt_claims"
POLICIES = "apollo::authorization::required_policies"
ASKED: list[dict[str, Any]] = []


def decide(entries: dict[str, Any]) -> None:
    policies = entries.get(POLICIES)
    if not isinstance(policies, dict):
        return
    ASKED.append(dict(policies))
    roles = (entries.get(CLAIMS) or {}).get("roles", [])
    for name in policies:
        policies[name] = name in roles


class RolePolicies:
    """The plugin: decides in its request hook."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def on_request(self, request: RouterRequest) -> None:
        decide(context_entries(request.context))


async def coprocessor(request: Request) -> JSONResponse:
    payload = await request.json()
    if payload["stage"] == "SupergraphRequest":
        decide(payload["context"]["entries"])
    return JSONResponse(payload)


coprocessor_app = Starlette(routes=[Route("/", coprocessor, methods=["POST"])])
