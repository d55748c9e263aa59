"""The HTTP client's internal failure classes, kept apart so http.py can be compiled.

mypyc (docs/compiled.md) cannot compile a class that inherits from a builtin exception
such as ``TimeoutError``; this module stays interpreted.
"""

from __future__ import annotations

import aiohttp

__all__ = ["Answered", "BodyTimeout"]


class Answered(aiohttp.ClientError):
    """The subgraph had started answering when the exchange failed: not safe to retry."""


class BodyTimeout(TimeoutError):
    """The deadline passed while the answer's body was being read."""
