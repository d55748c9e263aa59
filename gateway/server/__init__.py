"""The HTTP server: a Starlette app served by uvicorn, and the ``serve`` command."""

from .app import create_app
from .run import app_from_env, serve

__all__ = ["app_from_env", "create_app", "serve"]
