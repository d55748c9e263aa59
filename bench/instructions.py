"""Count the CPU instructions one heavy request costs, under callgrind: a measure that does
not move with the machine's load (wall-clock timings on the shared box differ by 40 %).

    python bench/instructions.py [--tree PATH] [--requests 10] [--path server|gateway]
                                 [--transport replay|http]

``--path server`` (the default) sends the heavy query as an HTTP POST (the headers wrk sends
in ``../shared/bench``) through the whole Starlette app, called in-process as ASGI: routing,
the server's checks, the pipeline, shaping and the JSON body. ``--path gateway`` calls
``Gateway.run`` only (what ``bench/replay.py run`` measures). Subgraphs answer from
``bench/recordings/heavy.json`` in both: ``--transport replay`` (the default) answers
in-process, so the subgraph transport is not counted; ``--transport http`` serves the recording
from an aiohttp server in another process (not counted) and the gateway uses its own subgraph
client (the lean HTTP client, in-flight sharing) as ``fedgate serve`` builds it, pointed there
with the ``FEDGATE_SUBGRAPH_<NAME>_URL`` variables.

``--path uvicorn`` serves the same app with uvicorn (httptools, as ``fedgate serve`` runs it)
on a socket, and another process (not counted) sends the requests on one kept-alive connection:
against ``--path server``, what uvicorn and the socket cost per request. ``--uvloop`` runs any
path on uvloop, as ``fedgate serve`` does (default: asyncio's own loop).

``--tree`` is a checkout of fedgate (default: this one): its ``.venv/bin/python`` runs this
script against its own code, so two commits are compared with one script. The script runs
valgrind twice, with a few warm-up requests and with ``--requests`` more, and prints the
difference per request: start-up, imports and the first (planning) request cancel out.
The config is the tree's default (as ``fedgate serve`` without ``--config`` loads it), or
``--config FILE`` (a router.yaml: ``bench/telemetry/*.yaml`` turn on metrics or tracing), and
the garbage collector is tuned as ``fedgate serve`` tunes it.

``--otlp-sink`` starts, in another process (not counted), an OTLP/HTTP endpoint that answers
every export with 200, and puts its address in ``FEDGATE_BENCH_OTLP`` for the config to use
(``bench/telemetry/tracing.yaml``; its ``sampler`` is ``FEDGATE_BENCH_SAMPLER``, default 1).
The inner process seeds ``random``, so the trace ids, and with them the requests a ratio
sampler keeps, are the same each run.

``--jwt`` makes an RS256 key, its JWK Set in a file (``FEDGATE_BENCH_JWKS``, for the config
to use: ``bench/auth/jwt.yaml``) and a valid token (an hour, issuer and audience
``fedgate-bench``), and sends ``Authorization: Bearer <token>`` with every request (server
path): with ``--config bench/auth/jwt.yaml`` authentication is on; without it the same header
is sent to a gateway that does not authenticate (what carrying the header costs).

``--keep DIR`` keeps both runs' callgrind files (``DIR/callgrind.few.out`` and
``DIR/callgrind.many.out``), to read with ``callgrind_annotate --inclusive=yes``; the
compiled build's C functions (mypyc's ``CPyDef_...``) have their own names there.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
WARMUP = 3
CONCURRENCY_ENV = "FEDGATE_BENCH_CONCURRENCY"
PROFILE_ENV = "FEDGATE_BENCH_PROFILE"
CONFIG_ENV = "FEDGATE_BENCH_CONFIG"
OTLP_ENV = "FEDGATE_BENCH_OTLP"
JWKS_ENV = "FEDGATE_BENCH_JWKS"
TOKEN_ENV = "FEDGATE_BENCH_TOKEN"
UVLOOP_ENV = "FEDGATE_BENCH_UVLOOP"
KEEP_ENV = "FEDGATE_BENCH_KEEP"
SUBGRAPHS = ("accounts", "inventory", "products", "reviews")
# the request wrk sends (../shared/bench/load/heavy.lua)
REQUEST_HEADERS = [
    (b"host", b"127.0.0.1:4000"),
    (b"content-type", b"application/json"),
    (b"accept", b"application/json"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, default=HERE.parent.parent)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--path", choices=["server", "gateway", "uvicorn"], default="server")
    parser.add_argument(
        "--uvloop", action="store_true", help="run on uvloop (as fedgate serve does)"
    )
    parser.add_argument("--transport", choices=["replay", "http"], default="replay")
    parser.add_argument(
        "--concurrency", type=int, default=1, help="requests sent at once (each round)"
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="no valgrind: cProfile the requests after the warm-up"
    )
    parser.add_argument("--config", type=Path, help="a router.yaml (default: none)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the callgrind files there")
    parser.add_argument(
        "--otlp-sink", action="store_true", help="an OTLP/HTTP sink at $FEDGATE_BENCH_OTLP"
    )
    parser.add_argument(
        "--jwt", action="store_true", help="send a valid token (JWKS at $FEDGATE_BENCH_JWKS)"
    )
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-sink", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-recording", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--send", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--inner-requests", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    tree = args.tree.resolve()
    if args.uvloop:
        os.environ[UVLOOP_ENV] = "1"
    os.environ[CONCURRENCY_ENV] = str(args.concurrency)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        os.environ[KEEP_ENV] = str(args.keep.resolve())
    if args.config is not None:
        os.environ[CONFIG_ENV] = str(args.config.resolve())
    if args.jwt and args.inner is None:
        keys = tempfile.TemporaryDirectory()  # removed at exit
        _make_token(Path(keys.name))
    if args.serve_recording is not None:
        _serve_recording(tree, args.serve_recording)
    elif args.serve_sink is not None:
        _serve_sink(args.serve_sink)
    elif args.otlp_sink and args.inner is None:
        sink = _start_sink(tree)
        try:
            if args.profile is not None:
                _profile(tree, args.path, args.transport, args.requests, args.profile)
            else:
                _measure(args, tree)
        finally:
            sink.terminate()
            sink.wait()
    elif args.inner is not None:
        serve = _serve(tree, args.path, args.transport, args.inner)
        if args.uvloop:
            import uvloop

            uvloop.run(serve)
        else:
            asyncio.run(serve)
    elif args.send is not None:
        _send(args.send, args.inner_requests)
    elif args.profile is not None:
        _profile(tree, args.path, args.transport, args.requests, args.profile)
    else:
        _measure(args, tree)


def _measure(args: argparse.Namespace, tree: Path) -> None:
    rounds = _per_request(tree, args.path, args.transport, args.requests)
    per_request = rounds / args.concurrency
    config = f", {args.config.name}" if args.config is not None else ""
    config += ", token sent" if args.jwt else ""
    print(
        f"{tree} ({args.path} path, {args.transport} transport, "
        f"{args.concurrency} at once{config}): "
        f"{per_request:,.0f} instructions per heavy request"
    )


def _make_token(folder: Path) -> None:
    """An RS256 key's JWK Set in ``folder`` and a token it verifies, in the environment the
    inner processes inherit (both runs send the same token)."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "bench", "alg": "RS256"}
    path = folder / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk]}))
    now = int(time.time())
    claims = {"sub": "1", "iss": "fedgate-bench", "aud": "fedgate-bench", "scope": "a b"}
    claims.update(iat=now, exp=now + 3600)
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "bench"})
    os.environ[JWKS_ENV] = str(path)
    os.environ[TOKEN_ENV] = token


def _start_sink(tree: Path) -> subprocess.Popen[bytes]:
    """The OTLP/HTTP sink in another process; its address in ``FEDGATE_BENCH_OTLP``."""
    port = _free_port()
    command = [str(tree / ".venv" / "bin" / "python"), str(HERE), "--tree", str(tree)]
    sink = subprocess.Popen([*command, "--serve-sink", str(port)])
    _wait_for(port)
    os.environ[OTLP_ENV] = f"http://127.0.0.1:{port}"
    return sink


def _serve_sink(port: int) -> None:
    """Answer every OTLP/HTTP export with an empty success, until terminated."""
    from aiohttp import web

    async def accept(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=b"", content_type="application/x-protobuf")

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_post("/v1/traces", accept)
    web.run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=True)


def _per_request(tree: Path, path: str, transport: str, requests: int) -> float:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    server = None
    if transport == "http":
        server, urls = _start_recording_server(tree)
        env.update(urls)
    try:
        few = _instructions(tree, path, transport, WARMUP, env, "few")
        many = _instructions(tree, path, transport, WARMUP + requests, env, "many")
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    return (many - few) / requests


def _start_recording_server(tree: Path) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """The recorded subgraphs served over HTTP, and the variables that point the gateway
    there."""
    port = _free_port()
    command = [str(tree / ".venv" / "bin" / "python"), str(HERE), "--tree", str(tree)]
    server = subprocess.Popen([*command, "--serve-recording", str(port)])
    _wait_for(port)
    urls = {
        f"FEDGATE_SUBGRAPH_{name.upper()}_URL": f"http://127.0.0.1:{port}/{name}"
        for name in SUBGRAPHS
    }
    return server, urls


def _instructions(
    tree: Path, path: str, transport: str, requests: int, env: dict[str, str], run: str
) -> int:
    """Instructions of one process serving ``requests`` heavy requests."""
    python = tree / ".venv" / "bin" / "python"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(os.environ.get(KEEP_ENV, tmp)) / f"callgrind.{run}.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            str(python),
            str(HERE),
            "--tree",
            str(tree),
            "--path",
            path,
            "--transport",
            transport,
            "--inner",
            str(requests),
            *(["--uvloop"] if os.environ.get(UVLOOP_ENV) else []),
        ]
        # a fixed hash seed (in env): the same dict layouts, so the same instructions each run
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-3000:]}")
    return int(found.group(1))


def _profile(tree: Path, path: str, transport: str, requests: int, out: str) -> None:
    """cProfile ``requests`` heavy requests after the warm-up, in the tree's Python (whose
    call counts are exact where instruction counts give no names)."""
    python = tree / ".venv" / "bin" / "python"
    command = [str(python), str(HERE), "--tree", str(tree), "--path", path]
    command += ["--transport", transport, "--inner", str(WARMUP + requests)]
    env = {**os.environ, "PYTHONHASHSEED": "0", PROFILE_ENV: out}
    server = None
    if transport == "http":
        server, urls = _start_recording_server(tree)
        env.update(urls)
    try:
        subprocess.run(command, env=env, check=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    print(f"profile of {requests} rounds in {out} (python -m pstats {out})")


async def _serve(tree: Path, path: str, transport: str, requests: int) -> None:
    """``requests`` rounds of ``FEDGATE_BENCH_CONCURRENCY`` requests sent at once."""
    concurrency = int(os.environ.get(CONCURRENCY_ENV, "1"))
    sys.path.insert(0, str(tree))
    from gateway.config import load_config
    from gateway.server.app import create_app
    from gateway.server.run import tune_gc
    from gateway.supergraph import load_supergraph

    fixtures = tree / "tests" / "fixtures"
    supergraph = load_supergraph((fixtures / "bench_supergraph.graphql").read_text())
    names = [info.name for info in supergraph.graphs.values()]
    config = load_config(os.environ.get(CONFIG_ENV), subgraph_names=names)
    random.seed(0)  # the same trace ids each run: a ratio sampler keeps the same requests
    query = (fixtures / "heavy.graphql").read_text()
    expected = json.loads((fixtures / "heavy.expected.json").read_text())
    client = _Replayer(_recording(tree)) if transport == "replay" else None
    app = create_app(supergraph, config=config, client=client)
    body = json.dumps({"query": query}).encode()
    token = os.environ.get(TOKEN_ENV)
    extra = [(b"authorization", f"Bearer {token}".encode())] if token else []
    if path == "uvicorn":
        await _through_uvicorn(app, body, requests)
        return
    async with app.router.lifespan_context(app):
        tune_gc()
        first = b""
        profiler = None
        for i in range(requests):
            if i == WARMUP and os.environ.get(PROFILE_ENV):
                profiler = cProfile.Profile()
                profiler.enable()
            if path == "server":
                answers = await asyncio.gather(
                    *(_post(app, body, extra) for _ in range(concurrency))
                )
                # the first answer is checked; the others must be the same bytes
                if i == 0:
                    status, first = answers[0]
                    assert status == 200 and json.loads(first) == expected, "unexpected answer"
                assert all(a == (200, first) for a in answers), "unexpected answer"
            else:
                runs = (app.state.gateway.run(query) for _ in range(concurrency))
                results = await asyncio.gather(*runs)
                if i == 0:
                    assert results[0].body == expected, "unexpected answer"
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(os.environ[PROFILE_ENV])


async def _through_uvicorn(app: Any, body: bytes, requests: int) -> None:
    """uvicorn (httptools, as ``fedgate serve`` runs it) serving ``app`` on a socket; another
    process (not counted) sends ``requests`` heavy POSTs on one kept-alive connection."""
    import uvicorn

    from gateway.server.run import tune_gc

    port = _free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        http="httptools",
        ws="none",
        lifespan="on",
        access_log=False,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    serving = asyncio.ensure_future(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    tune_gc()
    command = [sys.executable, str(HERE), "--send", str(port), "--inner-requests", str(requests)]
    sender = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.PIPE)
    assert sender.stdin is not None
    sender.stdin.write(body)
    sender.stdin.close()
    assert await sender.wait() == 0, "the sender failed"
    server.should_exit = True
    await serving


def _send(port: int, requests: int) -> None:
    """Send the heavy POST (the body on stdin) ``requests`` times, one connection."""
    import http.client

    body = sys.stdin.buffer.read()
    expected = json.loads((HERE.parent.parent / "tests/fixtures/heavy.expected.json").read_text())
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {name.decode(): value.decode() for name, value in REQUEST_HEADERS[1:]}
    for i in range(requests):
        connection.request("POST", "/graphql", body, headers)
        answer = connection.getresponse()
        data = answer.read()
        if i == 0:
            assert answer.status == 200 and json.loads(data) == expected, "unexpected answer"
    connection.close()


def _recording(tree: Path) -> dict[str, bytes]:
    recording = json.loads((tree / "bench" / "recordings" / "heavy.json").read_text())
    return {k: base64.b64decode(v) for k, v in recording.items()}


def _serve_recording(tree: Path, port: int) -> None:
    """The subgraphs, answering from the recording over HTTP (aiohttp), until terminated."""
    from aiohttp import web

    answers = _recording(tree)

    async def answer(request: web.Request) -> web.Response:
        key = request.match_info["name"] + "\n" + (await request.read()).decode()
        body = answers.get(key)
        if body is None:
            return web.Response(status=500, text="no recorded answer: record again")
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_post("/{name}", answer)
    web.run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the recorded subgraphs did not start")


class _Replayer:
    """A subgraph client answering from the recording (as ``bench/replay.py``'s)."""

    def __init__(self, answers: dict[str, bytes]) -> None:
        self.answers = answers

    async def fetch(self, request: Any) -> Any:
        from gateway.transport.base import SubgraphResponse

        key = request.subgraph + "\n" + request.body_bytes().decode()
        body = self.answers.get(key)
        if body is None:
            raise SystemExit(f"no recorded answer for a {request.subgraph} request: record again")
        return SubgraphResponse(request.subgraph, 200, body)


async def _post(app: Any, body: bytes, extra: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """One POST /graphql through the ASGI app, as uvicorn would call it."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [*REQUEST_HEADERS, *extra, (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 4000),
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


if __name__ == "__main__":
    main()
