"""The client on a real Redis Cluster (three masters, ``redis-cli --cluster create``) and behind
a real Sentinel: the same commands, batches across slots, scripts, scans and tags."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.redis.client import RedisClient
from gateway.redis.config import redis_config
from gateway.redis.stores import RedisBuckets

from .server import RedisServer

pytestmark = pytest.mark.anyio


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[list[RedisServer]]:
    cli = shutil.which("redis-cli")
    if cli is None:
        pytest.skip("redis-cli (Debian's redis-tools, with redis-server) is not installed")
    nodes: list[RedisServer] = []
    try:
        for i in range(3):
            work = tmp_path / f"node{i}"
            work.mkdir()
            args = ("--cluster-enabled", "yes", "--cluster-node-timeout", "2000")
            nodes.append(RedisServer(work, _cluster_port(), args).start())
        addresses = [f"127.0.0.1:{n.port}" for n in nodes]
        subprocess.run(
            [cli, "--cluster", "create", *addresses, "--cluster-replicas", "0", "--cluster-yes"],
            check=True,
            capture_output=True,
            timeout=30,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            info = subprocess.run(
                [cli, "-p", str(nodes[0].port), "cluster", "info"], capture_output=True, text=True
            ).stdout
            if "cluster_state:ok" in info:
                break
            time.sleep(0.1)
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def _cluster_port() -> int:
    """A free port whose cluster bus port (+10000) is free and valid too."""
    from tests.e2e.processes import free_port_block, listening

    for _ in range(50):
        port = free_port_block(1)
        if not listening(port + 10000):
            return port
    raise RuntimeError("no free port pair for a cluster node")


async def _exercise(client: RedisClient) -> None:
    """What the stores and the entity cache use, on any topology."""
    keys = {f"entity:{i}": str(i).encode() for i in range(50)}  # spread over the slots
    await client.set_many(keys, ttl=30)
    assert await client.get_many(list(keys)) == list(keys.values())
    assert await client.get("entity:7") == b"7"
    await client.tag("{tag}:Product", ["entity:1", "entity:2"], ttl=30)
    assert await client.tagged("{tag}:Product") == ["entity:1", "entity:2"]
    assert await client.delete_tagged(["{tag}:Product"]) == 3
    assert await client.delete_matching("entity:*") == 48
    buckets = RedisBuckets(client)
    waits = await asyncio.gather(*(buckets.take("router", 10, 0.001) for _ in range(25)))
    assert sum(1 for w in waits if w == 0.0) == 10


async def test_a_redis_cluster(cluster: list[RedisServer]) -> None:
    first, second = cluster[0], cluster[1]
    url = f"redis-cluster://127.0.0.1:{first.port}?node=127.0.0.1:{second.port}"
    client = RedisClient(redis_config({"urls": [url], "namespace": "c", "timeout": 2.0}, "t"))
    try:
        await client.start()
        assert client.available
        await _exercise(client)
    finally:
        await client.close()


async def test_the_master_behind_a_sentinel(tmp_path: Path) -> None:
    master = RedisServer(tmp_path).start()
    sentinel_dir = tmp_path / "sentinel"
    sentinel_dir.mkdir()
    conf = sentinel_dir / "sentinel.conf"
    conf.write_text(f"sentinel monitor main 127.0.0.1 {master.port} 1\n")
    sentinel = RedisServer(sentinel_dir, args=("--sentinel",), config_file=conf)
    sentinel.start()
    url = f"redis-sentinel://127.0.0.1:{sentinel.port}?sentinelServiceName=main"
    client = RedisClient(redis_config({"urls": [url], "namespace": "s", "timeout": 2.0}, "t"))
    try:
        await client.start()
        assert client.available
        await _exercise(client)
    finally:
        await client.close()
        sentinel.stop()
        master.stop()
