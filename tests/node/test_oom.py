"""GPU out-of-memory: recognised in its forms, retried at halved batch sizes, then a clear failure."""

from __future__ import annotations

import pytest
import torch

from ned_node.errors import GpuOutOfMemoryError
from ned_node.oom import OomPolicy, is_out_of_memory


def test_out_of_memory_forms():
    assert is_out_of_memory(torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"))
    assert is_out_of_memory(RuntimeError("CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling cublasCreate"))
    assert is_out_of_memory(RuntimeError("HIP out of memory. Tried to allocate 1 GiB"))
    assert not is_out_of_memory(MemoryError("host RAM exhausted"))
    assert not is_out_of_memory(RuntimeError("shape mismatch"))
    assert not is_out_of_memory(ValueError("out of memory"))


def test_batches_halve_then_fail():
    policy = OomPolicy(first_batch=8)
    assert [policy.batch_size(n) for n in range(4)] == [8, 4, 2, 1]
    with pytest.raises(GpuOutOfMemoryError, match="4 times, the last time at batch size 1") as err:
        policy.batch_size(4)
    assert err.value.code == "render_failed"
