"""Instructions per subgraph call of ``HttpClient`` alone, under callgrind: the lean client
against aiohttp (decision 0034), without the rest of a request around it.

    python bench/subgraph_client.py [--client lean|aiohttp] [--calls 200] [--body 2000]

An aiohttp server in another process (not counted) answers every POST with a JSON body of
``--body`` bytes; the counted process makes ``--calls`` sequential calls with one
``HttpClient`` (one kept-alive connection) and prints the instructions per call: two runs
(20 calls and 20 + ``--calls``), so start-up, imports and the first connection cancel out.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WARMUP = 20
QUERY = b'{"query":"query($r:[_Any!]!){_entities(representations:$r){...on P{name}}}"}'


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--client", choices=["lean", "aiohttp"], default="lean")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--body", type=int, default=2000)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        _serve(args.serve, args.body)
    elif args.inner is not None:
        asyncio.run(_calls(args.port, args.inner, args.client == "lean"))
    else:
        _measure(args)


def _measure(args: argparse.Namespace) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--body", str(args.body)]
    )
    try:
        _wait_for(port)
        few = _instructions(port, WARMUP, args.client)
        many = _instructions(port, WARMUP + args.calls, args.client)
    finally:
        server.terminate()
        server.wait()
    per_call = (many - few) / args.calls
    print(f"{args.client}: {per_call:,.0f} instructions per subgraph call ({args.body} B answer)")


def _instructions(port: int, calls: int, client: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
        command += [sys.executable, __file__, "--inner", str(calls), "--port", str(port)]
        command += ["--client", client]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        found = re.search(r"Collected : (\d+)", done.stderr)
        assert found is not None, done.stderr
        return int(found.group(1))


async def _calls(port: int, calls: int, lean: bool) -> None:
    from gateway.transport.base import SubgraphRequest
    from gateway.transport.http import HttpClient

    client = HttpClient(lean=lean)
    request = SubgraphRequest("s", f"http://127.0.0.1:{port}/graphql", QUERY)
    try:
        for _ in range(calls):
            response = await client.fetch(request)
            assert response.status == 200
    finally:
        await client.close()


def _serve(port: int, size: int) -> None:
    from aiohttp import web

    body = b'{"data":{"s":"' + b"x" * max(size - 16, 0) + b'"}}'

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_post("/graphql", answer)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


if __name__ == "__main__":
    main()
