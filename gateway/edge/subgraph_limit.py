"""``traffic_shaping.all|subgraphs.<name>.global_rate_limit``: outgoing calls to a subgraph
beyond its limit fail at once with ``REQUEST_RATE_LIMITED`` (at the fetch's path, the rest of
the plan runs on), as in Apollo Router."""

from __future__ import annotations

from gateway.config.edge_model import EdgeConfig, RateLimit
from gateway.transport.base import SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError

from .store import BucketStore, MemoryBuckets

__all__ = ["RateLimitedClient"]


class RateLimitedClient:
    """A ``SubgraphClient`` wrapper: one token bucket per limited subgraph."""

    __slots__ = ("buckets", "config", "inner")

    def __init__(
        self, inner: SubgraphClient, config: EdgeConfig, buckets: BucketStore | None = None
    ) -> None:
        self.inner = inner
        self.config = config
        self.buckets = buckets if buckets is not None else MemoryBuckets()

    async def fetch(self, request: SubgraphRequest) -> SubgraphResponse:
        limit: RateLimit | None = self.config.subgraph_limit(request.subgraph)
        if limit is not None:
            wait = await self.buckets.take(
                f"subgraph:{request.subgraph}", limit.size, limit.per_second
            )
            if wait > 0:
                raise TransportError(
                    request.subgraph,
                    f"Your request to subgraph '{request.subgraph}' has been rate limited",
                    code="REQUEST_RATE_LIMITED",
                )
        return await self.inner.fetch(request)
