"""Counts over the last few seconds, in time buckets: cheap to add to, cheap to sum."""

from __future__ import annotations

import time

__all__ = ["Window"]

_BUCKETS = 10


class Window:
    """Per-bucket sums of a few named counters over the last ``seconds``; a bucket older
    than the window is zeroed when its slot comes round again."""

    __slots__ = ("_epochs", "_span", "_sums", "width")

    def __init__(self, seconds: float, width: int) -> None:
        self._span = seconds / _BUCKETS
        self.width = width
        self._epochs = [-1] * _BUCKETS
        self._sums = [[0.0] * width for _ in range(_BUCKETS)]

    def add(self, *values: float, now: float | None = None) -> None:
        epoch = int((time.monotonic() if now is None else now) / self._span)
        slot = epoch % _BUCKETS
        sums = self._sums[slot]
        if self._epochs[slot] != epoch:
            self._epochs[slot] = epoch
            for i in range(self.width):
                sums[i] = 0.0
        for i, value in enumerate(values):
            sums[i] += value

    def totals(self, now: float | None = None) -> list[float]:
        epoch = int((time.monotonic() if now is None else now) / self._span)
        out = [0.0] * self.width
        for slot in range(_BUCKETS):
            if epoch - self._epochs[slot] < _BUCKETS:
                for i, value in enumerate(self._sums[slot]):
                    out[i] += value
        return out

    def clear(self) -> None:
        self._epochs = [-1] * _BUCKETS
