"""Memory figures: the process's RSS high-water mark, and the peak of one block (traced + sampled RSS)."""

from __future__ import annotations

import os
import resource
import sys
import threading
import tracemalloc

_MB = 2**20
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def peak_rss_mb() -> float:
    """RSS high-water mark of this process since it started (``getrusage``), MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / _MB if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def current_rss_mb() -> float:
    """Resident set size now, MB (``/proc/self/statm``; the high-water mark where /proc is missing)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE / _MB
    except OSError:
        return peak_rss_mb()


class PeakMemory:
    """Peak memory of a ``with`` block, two ways.

    * ``traced_mb``: tracemalloc's peak of Python and numpy allocations made inside the block (numpy
      reports its buffers to tracemalloc; memory held by C++ libraries such as OpenImageIO is not seen).
    * ``rss_growth_mb``: largest RSS above the value at entry, sampled every ``interval_s`` by a
      thread (sees every allocator; short spikes between samples can be missed).

    tracemalloc slows Python allocations down: time stages outside such a block.
    """

    def __init__(self, interval_s: float = 0.002) -> None:
        self.interval_s = interval_s
        self.traced_mb = 0.0
        self.rss_growth_mb = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._base = 0.0
        self._traced_base = 0
        self._was_tracing = False

    def _sample(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.rss_growth_mb = max(self.rss_growth_mb, current_rss_mb() - self._base)

    def __enter__(self) -> PeakMemory:
        self._was_tracing = tracemalloc.is_tracing()
        if not self._was_tracing:
            tracemalloc.start()
        tracemalloc.reset_peak()
        self._traced_base = tracemalloc.get_traced_memory()[0]
        self._base = current_rss_mb()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.rss_growth_mb = max(self.rss_growth_mb, current_rss_mb() - self._base)
        self.traced_mb = (tracemalloc.get_traced_memory()[1] - self._traced_base) / _MB
        if not self._was_tracing:
            tracemalloc.stop()
