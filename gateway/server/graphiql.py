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
  const plain = GraphiQL.createFetcher({{ url: {endpoint} }});
  const fetcher = {fetcher};
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


# With subscriptions on: a subscription runs over GraphQL over SSE (the gateway's
# text/event-stream answer, read with fetch; GraphiQL shows each event as it comes), every
# other operation with GraphiQL's own fetcher.
_SSE_FETCHER = """(params, options) => {{
    const ops = [...params.query.replace(/#[^\\n]*/g, "").matchAll(
      /(?:^|[}}\\s])(query|mutation|subscription)\\b\\s*([_A-Za-z][_0-9A-Za-z]*)?/g)];
    const op = ops.find(m => m[2] === params.operationName) || ops[0];
    if (!op || op[1] !== "subscription") return plain(params, options);
    return (async function* () {{
      const response = await fetch({endpoint}, {{
        method: "POST",
        headers: {{ "content-type": "application/json", accept: "text/event-stream" }},
        body: JSON.stringify(params),
      }});
      if (!(response.headers.get("content-type") || "").startsWith("text/event-stream")) {{
        yield await response.json();
        return;
      }}
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      try {{
        for (;;) {{
          const {{ value, done }} = await reader.read();
          if (done) return;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\\n\\n")) >= 0) {{
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = "message", data = "";
            for (const line of block.split("\\n")) {{
              if (line.startsWith("event:")) event = line.slice(6).trim();
              else if (line.startsWith("data:")) data += line.slice(5).trim();
            }}
            if (event === "complete") return;
            if (event === "next" && data) yield JSON.parse(data);
          }}
        }}
      }} finally {{
        reader.cancel();
      }}
    }})();
  }}"""


def graphiql_page(endpoint: str, subscriptions: bool = False) -> str:
    """``subscriptions``: the gateway serves them (GraphiQL runs them over SSE)."""
    # The endpoint goes into a JS string inside HTML: quote it for both.
    quoted = '"' + html.escape(endpoint, quote=True).replace("\\", "\\\\") + '"'
    fetcher = _SSE_FETCHER.format(endpoint=quoted) if subscriptions else "plain"
    return _PAGE.format(prefix=ASSET_PREFIX, endpoint=quoted, fetcher=fetcher)


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
