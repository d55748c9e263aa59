"""GraphiQL, served with every asset bundled in the package (no CDN).

The assets in ``static/`` are the built files of the npm packages ``graphiql@3``, ``react@18``
and ``react-dom@18`` (see ``static/THIRD_PARTY_LICENSES.txt``).
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["ASSET_PREFIX", "graphiql_asset", "graphiql_available", "graphiql_page"]

ASSET_PREFIX = "/graphiql/static"
_STATIC = Path(__file__).parent / "static"
_ASSETS = {
    "react.production.min.js": "text/javascript",
    "react-dom.production.min.js": "text/javascript",
    "graphiql.min.js": "text/javascript",
    "graphiql.min.css": "text/css",
}

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fedgate · GraphiQL</title>
<link rel="stylesheet" href="{prefix}/graphiql.min.css">
<style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql">Loading…</div>
<script src="{prefix}/react.production.min.js"></script>
<script src="{prefix}/react-dom.production.min.js"></script>
<script src="{prefix}/graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({{ url: {endpoint} }});
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {{ fetcher, defaultEditorToolsVisibility: true }})
  );
</script>
</body>
</html>
"""


@cache
def graphiql_available() -> bool:
    return all((_STATIC / name).is_file() for name in _ASSETS)


def graphiql_page(endpoint: str) -> str:
    # The endpoint goes into a JS string inside HTML: quote it for both.
    quoted = '"' + html.escape(endpoint, quote=True).replace("\\", "\\\\") + '"'
    return _PAGE.format(prefix=ASSET_PREFIX, endpoint=quoted)


@cache
def _read(name: str) -> bytes:
    return (_STATIC / name).read_bytes()


async def graphiql_asset(request: Request) -> Response:
    name = request.path_params["name"]
    media = _ASSETS.get(name)
    if media is None or not graphiql_available():
        return Response(b"not found", 404, media_type="text/plain")
    headers = {"cache-control": "public, max-age=86400"}
    return Response(_read(name), 200, headers=headers, media_type=media)
