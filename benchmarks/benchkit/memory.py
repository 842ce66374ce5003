"""Memory figures: the process's RSS high-water mark, a child command's, and the peak of one block (traced +
sampled RSS)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Sequence

_MB = 2**20
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def peak_rss_mb() -> float:
    """RSS high-water mark of this process since it started (``getrusage``), MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / _MB if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


#: Runs ``argv[1:]`` as its child (stdout to /dev/null) and prints that child's ``ru_maxrss`` and exit status. On
#: Linux a process started straight from this one would report this process's RSS as its peak when that is larger
#: (``exec`` records the high-water mark of the memory it replaces, which a fork or vfork shares with the parent);
#: started from this small interpreter, the command's figure is its own.
_REPORTER = """import os, sys
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,
                      file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def child_peak_rss_mb(argv: Sequence[str]) -> float:
    """RSS high-water mark, MB, of the command ``argv`` run to its end in a process of its own (whatever this
    process holds or held before; see :data:`_REPORTER`).

    Raises:
        subprocess.CalledProcessError: the command exited with a non-zero status (its stderr's tail attached).
    """
    done = subprocess.run([sys.executable, "-c", _REPORTER, *argv], capture_output=True, check=True)
    peak, status = (int(v) for v in done.stdout.split())
    if status != 0:
        raise subprocess.CalledProcessError(status, list(argv), stderr=done.stderr[-2000:])
    return peak / _MB if sys.platform == "darwin" else peak / 1024


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
