"""``private_id`` names a JWT claim: the authenticated ``sub`` partitions private data. The
gateway runs in-process (its requests carry claims as the JWT authenticator leaves them)
against the counting subgraphs over HTTP (fedgate's aiohttp client)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.config import load_config
from gateway.context import RequestContext
from gateway.pipeline import Gateway
from gateway.supergraph import load_supergraph
from gateway.transport.http import HttpClient

from .conftest import Subgraphs

CONFIG = """\
headers:
  all:
    request:
      - propagate:
          named: x-user-id
preview_entity_cache:
  enabled: true
  subgraph:
    all:
      ttl: 60s
      private_id: sub
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_the_claim_partitions_private_data(subgraphs: Subgraphs, tmp_path: Path) -> None:
    subgraphs.control(cache_control={"accounts": "private, max-age=60"}, fail=False)
    path = tmp_path / "router.yaml"
    path.write_text(CONFIG)
    config = load_config(path, environ={})
    client = HttpClient()
    client.open()
    gateway = Gateway(load_supergraph(subgraphs.supergraph.read_text()), client, config)

    async def me(user: str, claims: bool = True) -> Any:
        context = RequestContext.create({"x-user-id": user})
        if claims:
            context = context.with_claims({"sub": user})
        return (await gateway.execute("{ me { name } }", context=context))["data"]["me"]

    try:
        assert await me("1") == {"name": "Ada"}
        assert await me("2") == {"name": "Grace"}
        before = subgraphs.calls()["accounts"]
        assert await me("1") == {"name": "Ada"}
        assert await me("2") == {"name": "Grace"}
        assert subgraphs.calls()["accounts"] == before  # each user's own entry
        assert await me("3", claims=False) == {"name": "Edsger"}
        assert await me("3", claims=False) == {"name": "Edsger"}
        assert subgraphs.calls()["accounts"] == before + 2  # no claim: not kept
    finally:
        await client.close()
        subgraphs.control(cache_control={"accounts": ""})
