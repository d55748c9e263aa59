"""How long to wait before a retry: exponential backoff with full jitter, or Retry-After."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

__all__ = ["backoff", "retry_after"]


def backoff(attempt: int, initial: float, cap: float) -> float:
    """Full jitter (uniform between 0 and the exponential step): retries from many clients
    spread out instead of arriving together. ``attempt`` counts the retries so far (1...)."""
    return random.uniform(0.0, min(cap, initial * 2 ** (attempt - 1)))


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent
    or unreadable."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
