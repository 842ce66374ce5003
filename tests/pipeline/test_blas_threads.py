"""OpenBLAS held to one thread while a render runs: no worker thread spends CPU beside the caller, and the thread
counts come back afterwards."""

from __future__ import annotations

import time

import numpy as np
import pytest

from ned_core.pipeline.blas_threads import loaded_openblas, one_blas_thread
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest

BLAS = loaded_openblas()
THREADED = [lib for lib in BLAS if lib.threads > 1]
needs_threads = pytest.mark.skipif(not THREADED, reason="OpenBLAS runs on one thread here already (one core)")


def _cpu_beside_caller() -> tuple[float, float]:
    """CPU seconds of the calling thread and of every other thread of the process over large matrix products."""
    a = np.random.default_rng(0).standard_normal((600, 600))
    time.sleep(0.3)  # workers left spinning by earlier products (~0.1 s after each) go to sleep
    process, caller = time.process_time(), time.thread_time()
    for _ in range(20):
        a = np.tanh(a @ a)  # a product large enough for OpenBLAS to split it across its workers
    caller = time.thread_time() - caller
    return caller, time.process_time() - process - caller


@needs_threads
def test_products_run_on_the_calling_thread_only():
    with one_blas_thread():
        caller, others = _cpu_beside_caller()
    assert others < 0.05 * caller
    caller, others = _cpu_beside_caller()  # after: workers idle a while after each product, spinning
    assert others > 0.2 * caller  # without the limit the workers do a good share (so the check above can fail)


@needs_threads
def test_thread_counts_come_back_after_an_error():
    before = [lib.threads for lib in BLAS]
    with pytest.raises(RuntimeError), one_blas_thread():
        assert [lib.threads for lib in BLAS] == [1] * len(BLAS)
        raise RuntimeError("a failed render")
    assert [lib.threads for lib in BLAS] == before


@needs_threads
def test_a_render_runs_on_one_blas_thread(tmp_path, actor_pattern, ned_config, mesh_models):
    before = [lib.threads for lib in BLAS]
    during = []
    request = RenderRequest(source=actor_pattern, out_dir=str(tmp_path), emotion="happy:0.8", frames="1001-1003")
    render_shot(request, ned_config, models=mesh_models,
                on_frame=lambda result: during.append([lib.threads for lib in BLAS]))
    assert during == [[1] * len(BLAS)] * 3
    assert [lib.threads for lib in BLAS] == before
