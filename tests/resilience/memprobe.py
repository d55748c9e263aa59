"""``python -m tests.resilience.memprobe OUT ARGS...``: ``fedgate ARGS...`` that, on SIGUSR1,
appends one JSON line about its memory to ``OUT`` (the soak's allocator probe, ``--probe``).

The line has glibc's ``mallinfo2`` (``arena``: bytes of the main heap, ``mmap``: bytes in
mmap'd chunks, ``used``/``free``: allocated and free-but-kept bytes in the heaps), VmRSS, the
open descriptors and Python's live object count: enough to tell memory held by objects from
memory the allocator keeps after a burst. With ``MEMPROBE_TRIM=1`` it calls ``malloc_trim(0)``
first (what returning free heap pages to the system would win)."""

from __future__ import annotations

import ctypes
import gc
import json
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


_libc = ctypes.CDLL("libc.so.6")
_libc.mallinfo2.restype = _MallInfo2


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _probe(out: Path, trim: bool) -> None:
    if trim:
        _libc.malloc_trim(0)
    info = _libc.mallinfo2()
    line = {
        "t": time.monotonic(),
        "rss_kib": _rss_kib(),
        "arena": info.arena,
        "mmap": info.hblkhd,
        "used": info.uordblks,
        "free": info.fordblks,
        "fds": len(os.listdir("/proc/self/fd")),
        "objects": len(gc.get_objects()),
    }
    with out.open("a") as f:
        f.write(json.dumps(line) + "\n")


def main() -> int:
    out = Path(sys.argv[1])
    trim = os.environ.get("MEMPROBE_TRIM") == "1"

    def on_signal(signum: int, frame: FrameType | None) -> None:
        _probe(out, trim)

    signal.signal(signal.SIGUSR1, on_signal)
    from gateway.cli import main as fedgate

    sys.argv = ["fedgate", *sys.argv[2:]]
    return fedgate()


if __name__ == "__main__":
    sys.exit(main())
