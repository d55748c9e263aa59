"""The container health check command."""

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from subgraphs.healthcheck import main


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/health" else 503)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_healthy(server: str) -> None:
    assert main([server + "/health"]) == 0


def test_unhealthy_status(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([server + "/down"]) == 1
    assert "HTTP 503" in capsys.readouterr().err


def test_nothing_listening() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        port = unused.getsockname()[1]
        assert main([f"http://127.0.0.1:{port}/health"]) == 1


def test_usage() -> None:
    assert main([]) == 2
