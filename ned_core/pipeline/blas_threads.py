"""OpenBLAS on one thread while a render runs: its idle worker threads otherwise spin on the cores the render needs.

numpy, scipy and OpenCV each load their own OpenBLAS (``scipy_openblas64_``, ``scipy_openblas``, ``libopenblasp``),
each starting a worker thread per core. The render's linear algebra is small (fits, Procrustes, solves on a few
hundred points), but now and then a call is large enough to be split across the workers, and after each such call
they busy-wait for more work: in a 2-core 1080p close-up render that was ~2-5 ms of CPU per frame, on the cores the
plate writers and the decoder want. Results do not depend on the thread count here (plates bit-identical).
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


class _PhdrInfo(ctypes.Structure):
    """The head of glibc's ``struct dl_phdr_info``: a loaded object's base address and file name."""

    _fields_ = [("addr", ctypes.c_void_p), ("name", ctypes.c_char_p)]


_PHDR_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_PhdrInfo), ctypes.c_size_t, ctypes.c_void_p)
_FOUND: dict[str, _OpenBlas | None] = {}  # path -> the library's setter/getter (None: no known symbols)


def _loaded_paths() -> list[str]:
    """File names of the shared objects loaded in this process (``dl_iterate_phdr``: no file is read)."""
    libc = ctypes.CDLL(None)
    if not hasattr(libc, "dl_iterate_phdr"):
        return []
    paths: list[str] = []

    def visit(info, size, data) -> int:
        name = info.contents.name
        if name:
            paths.append(os.fsdecode(name))
        return 0

    libc.dl_iterate_phdr(_PHDR_CALLBACK(visit), None)
    return paths


def loaded_openblas() -> list[_OpenBlas]:
    """The OpenBLAS libraries loaded in this process (none where the loader cannot list them, e.g. not glibc)."""
    for path in _loaded_paths():
        if path in _FOUND or "openblas" not in Path(path).name.lower():
            continue
        try:
            lib = ctypes.CDLL(path, mode=os.RTLD_NOLOAD)  # the copy already loaded; never load another
        except OSError:
            continue
        _FOUND[path] = next((_OpenBlas(path, getattr(lib, setter), getattr(lib, getter))
                             for setter, getter in _SYMBOLS if hasattr(lib, setter) and hasattr(lib, getter)), None)
    return [lib for lib in _FOUND.values() if lib is not None]


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
