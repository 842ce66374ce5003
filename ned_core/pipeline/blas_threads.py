"""OpenBLAS on one thread while a render runs: its idle worker threads otherwise spin on the cores the render needs.

numpy and scipy each load their own OpenBLAS (``scipy_openblas64_``, ``scipy_openblas``), which starts a worker
thread per core. The render's linear algebra is small (fits, Procrustes, solves on a few hundred points), but now
and then a call is large enough to be split across the workers, and after each such call they busy-wait for more
work: in a 2-core 1080p close-up render that was ~2-5 ms of CPU per frame, on the cores the plate writers and the
decoder want. Results do not depend on the thread count here (plates bit-identical).
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: (setter, getter) symbol pairs: scipy-openblas with 64-bit ints (numpy's), with 32-bit ints (scipy's), plain OpenBLAS.
_SYMBOLS = (("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
            ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
            ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
            ("openblas_set_num_threads", "openblas_get_num_threads"))


class _OpenBlas:
    """One loaded OpenBLAS library's thread-count setter and getter."""

    def __init__(self, path: str, setter, getter):
        self.path, self._set, self._get = path, setter, getter
        self._set.argtypes, self._set.restype = [ctypes.c_int], None
        self._get.argtypes, self._get.restype = [], ctypes.c_int

    @property
    def threads(self) -> int:
        return int(self._get())

    @threads.setter
    def threads(self, count: int) -> None:
        self._set(int(count))


def loaded_openblas() -> list[_OpenBlas]:
    """The OpenBLAS libraries loaded in this process (Linux: from ``/proc/self/maps``; elsewhere none)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    mapped = (line.split(maxsplit=5) for line in maps.splitlines())
    paths = sorted({fields[5] for fields in mapped if len(fields) == 6 and "openblas" in Path(fields[5]).name.lower()
                    and ".so" in Path(fields[5]).name})
    found = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path, mode=os.RTLD_NOLOAD)  # the copy already loaded; never load another
        except OSError:
            continue
        for setter, getter in _SYMBOLS:
            if hasattr(lib, setter) and hasattr(lib, getter):
                found.append(_OpenBlas(path, getattr(lib, setter), getattr(lib, getter)))
                break
    return found


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with every loaded OpenBLAS on one thread, then give each its thread count back.

    The setting is process-wide: other threads' BLAS calls in the meantime run on one thread too.
    """
    libs = loaded_openblas()
    before = [lib.threads for lib in libs]
    for lib in libs:
        lib.threads = 1
    try:
        yield
    finally:
        for lib, count in zip(libs, before):
            lib.threads = count
