"""The README's @defer example on the example graph: the five example services (in-memory
databases) and the gateway, all served by uvicorn, the query read part by part over HTTP.
The parts add up to the whole response a client without multipart gets."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import httpx

from gateway.config import GatewayConfig
from gateway.server import create_app
from gateway.supergraph import load_supergraph
from subgraphs import SERVICE_NAMES
from subgraphs.common.service import create_app as create_subgraph_app
from subgraphs.services import SERVICES
from tests.e2e.demo import readme_graphql_blocks
from tests.e2e.processes import ROOT

from .harness import merged, streamed
from .shop import served


def test_readme_defer_example() -> None:
    [query] = [b for b in readme_graphql_blocks() if "@defer" in b]

    async def main() -> None:
        async with AsyncExitStack() as stack:
            urls = {}
            for name in SERVICE_NAMES:
                db = SERVICES[name].open_database(":memory:")
                app = create_subgraph_app(SERVICES[name], db)
                base = await stack.enter_async_context(served(app, lifespan="on"))
                urls[name] = f"{base}/graphql"
            supergraph = load_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())
            app = create_app(supergraph, config=GatewayConfig(subgraph_urls=urls))
            base = await stack.enter_async_context(served(app, lifespan="on"))
            client = await stack.enter_async_context(httpx.AsyncClient(timeout=30))
            async with streamed(client, f"{base}/graphql", query) as parts:
                every = [await parts.next(), *await parts.rest()]
            whole = await client.post(f"{base}/graphql", json={"query": query})
        first = every[0]
        assert first is not None and first["hasNext"] is True
        assert all(set(p) == {"name", "price"} for p in first["data"]["topProducts"])
        labels = {e["label"] for p in every[1:] for e in p["incremental"]}  # type: ignore[index]
        assert labels == {"shipping", "reviews"}
        assert every[-1]["hasNext"] is False  # type: ignore[index]
        assert "errors" not in whole.json()
        assert merged(every) == whole.json()["data"]  # type: ignore[arg-type]

    asyncio.run(main())
