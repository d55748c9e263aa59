"""A coprocessor that records what it receives and answers as a test scripts it:
``python -m tests.e2e.scripted_coprocessor --port N``. Starlette, served by uvicorn.

``PUT /script`` sets, per stage name, how to answer (and forgets what was recorded):
``merge`` (keys put over the echoed payload), ``drop`` (keys removed), ``entries`` (context
entries added), ``status`` (the HTTP status), ``sleep`` (seconds before answering), ``raw``
(a text body instead of JSON). A stage without a script is echoed as received. ``GET /seen``
lists every payload received, in order, each with the ``path`` of the HTTP request it came on
(``_path``) and that request's ``accept`` header (``_accept``).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

SEEN: list[dict[str, Any]] = []
SCRIPT: dict[str, dict[str, Any]] = {}


async def handle(request: Request) -> Response:
    payload = await request.json()
    SEEN.append({**payload, "_path": request.url.path, "_accept": request.headers.get("accept")})
    rule = SCRIPT.get(payload["stage"], {})
    if "sleep" in rule:
        await asyncio.sleep(rule["sleep"])
    if "raw" in rule:
        return PlainTextResponse(rule["raw"], rule.get("status", 200))
    answer = {**payload, **rule.get("merge", {})}
    for key in rule.get("drop", ()):
        answer.pop(key, None)
    if "entries" in rule:
        answer.setdefault("context", {"entries": {}})["entries"].update(rule["entries"])
    return JSONResponse(answer, rule.get("status", 200))


async def script(request: Request) -> Response:
    SCRIPT.clear()
    SCRIPT.update(await request.json())
    SEEN.clear()
    return PlainTextResponse("ok")


async def seen(request: Request) -> Response:
    return JSONResponse(SEEN)


async def health(request: Request) -> Response:
    return PlainTextResponse("ok")


app = Starlette(
    routes=[
        Route("/script", script, methods=["PUT"]),
        Route("/seen", seen),
        Route("/health", health),
        Route("/{path:path}", handle, methods=["POST"]),
    ]
)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
