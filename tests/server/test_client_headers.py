"""The server reads a request's headers once (``client_headers``): a read-only dict, or
Starlette's multi-mapping when a name repeats (header rules join repeated lines)."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from gateway.server.exchange import client_headers


def _request(headers: list[tuple[bytes, bytes]]) -> Request:
    return Request({"type": "http", "method": "POST", "path": "/graphql", "headers": headers})


def test_distinct_names_become_a_read_only_mapping_of_every_header() -> None:
    headers = client_headers(
        _request([(b"content-type", b"application/json"), (b"x-caf\xe9", b"cr\xe8me")])
    )
    assert dict(headers) == {"content-type": "application/json", "x-caf\u00e9": "cr\u00e8me"}
    assert headers.get("origin") is None
    with pytest.raises(TypeError):
        headers["origin"] = "https://evil.example"  # type: ignore[index]


def test_a_repeated_name_keeps_every_line() -> None:
    headers = client_headers(_request([(b"x-team", b"a"), (b"x-team", b"b"), (b"accept", b"*/*")]))
    assert headers.getlist("x-team") == ["a", "b"]  # type: ignore[attr-defined]
    assert headers.get("x-team") == "a"  # the first line, as Starlette answers
