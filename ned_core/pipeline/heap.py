"""Give the memory the C heap keeps after a stage back to the system (glibc ``malloc_trim``), between stages.

glibc keeps freed blocks below its mmap threshold in its arenas for reuse, and raises that threshold (up to 32 MB)
each time a larger block is freed, so the arrays of a render (a 4K face window is ~31 MB of float32) come from the
heap and stay resident once freed. After the analysis of a 4K close-up ~100 MB of it was free but resident when the
render loop started, whose own arrays come from other threads' arenas: a cold 96-frame 4K render's peak RSS went
from ~1.38 to ~1.28 GB with one trim there (see ``benchmarks/bench_throughput.py``). Elsewhere than glibc: nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim(pad) -> int``, or None where the C library has none (macOS, musl)."""
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if trim is not None:
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_free_heap() -> bool:
    """Return the C heap's free pages to the system (every arena); True when glibc released any."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
