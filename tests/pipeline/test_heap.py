"""pipeline.heap.release_free_heap: freed heap blocks go back to the system."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from ned_core.pipeline.heap import release_free_heap

MB = 2**20


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / MB


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim; a no-op elsewhere")
def test_freed_heap_blocks_are_returned():
    # 100 KB blocks come from the heap (below glibc's mmap threshold) and stay resident when freed while a later
    # block keeps the heap's top in place
    blocks = [np.ones(100 << 10, np.uint8) for _ in range(2000)]
    keep = np.ones(100 << 10, np.uint8)
    del blocks
    before = _rss_mb()
    assert release_free_heap()
    assert before - _rss_mb() > 100, "the ~190 MB freed should have left the process"
    assert keep.sum() == 100 << 10
