"""``python -m tests.resilience.memprobe OUT ARGS...``: ``fedgate ARGS...`` that, on SIGUSR1,
appends one JSON line about its memory to ``OUT`` (the soak's allocator probe, ``--probe``).

The line has glibc's ``mallinfo2`` (``arena``: bytes of the main heap, ``mmap``: bytes in
mmap'd chunks, ``used``/``free``: allocated and free-but-kept bytes in the heaps), VmRSS, the
open descriptors and Python's live object count: enough to tell memory held by objects from
memory the allocator keeps after a burst. With ``MEMPROBE_TRIM=1`` it calls ``malloc_trim(0)``
first (what returning free heap pages to the system would win). On SIGUSR2 it runs a full
collection and appends what it found to be garbage (by type, and the functions whose frames
are in reference cycles)."""

from __future__ import annotations

import ctypes
import gc
import json
import os
import signal
import sys
import time
from collections import Counter
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


def _garbage(out: Path) -> None:
    """What the cyclic collector would free now: counts by type, and the functions whose
    frames are in the cycles (which code made them)."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        kinds = Counter(type(o).__qualname__ for o in gc.garbage)
        frames = Counter(
            f"{o.f_code.co_filename.rsplit('/', 2)[-1]}:{o.f_code.co_qualname}"
            for o in gc.garbage
            if isinstance(o, FrameType)
        )
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    line = {"garbage": sum(kinds.values()), "kinds": kinds.most_common(15)}
    line["frames"] = frames.most_common(25)
    with out.open("a") as f:
        f.write(json.dumps(line) + "\n")


def main() -> int:
    out = Path(sys.argv[1])
    trim = os.environ.get("MEMPROBE_TRIM") == "1"

    def on_signal(signum: int, frame: FrameType | None) -> None:
        _probe(out, trim)

    def on_garbage(signum: int, frame: FrameType | None) -> None:
        _garbage(out)

    signal.signal(signal.SIGUSR1, on_signal)
    signal.signal(signal.SIGUSR2, on_garbage)
    from gateway.cli import main as fedgate

    sys.argv = ["fedgate", *sys.argv[2:]]
    return fedgate()


if __name__ == "__main__":
    sys.exit(main())
