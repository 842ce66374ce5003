"""GPU out-of-memory policy: recognise the error, retry the job with a smaller batch, then fail clearly."""

from __future__ import annotations

from dataclasses import dataclass

from ned_node.errors import GpuOutOfMemoryError

#: Messages of allocation failures raised as plain RuntimeErrors by CUDA/ROCm libraries.
_OOM_MESSAGES = ("out of memory", "cublas_status_alloc_failed", "cudnn_status_alloc_failed")


def is_out_of_memory(exc: BaseException) -> bool:
    """True for a GPU allocation failure (``torch.cuda.OutOfMemoryError`` or its RuntimeError forms).

    A host ``MemoryError`` is not one: a smaller batch does not help a machine out of RAM.
    """
    if isinstance(exc, MemoryError):
        return False
    if any(cls.__name__ == "OutOfMemoryError" for cls in type(exc).__mro__):
        return True
    return isinstance(exc, RuntimeError) and any(text in str(exc).lower() for text in _OOM_MESSAGES)


@dataclass(frozen=True)
class OomPolicy:
    """Batch sizes to try after out-of-memory errors: ``first_batch``, then halved down to 1.

    Attributes:
        first_batch: batch size of a job's first run.
    """

    first_batch: int = 8

    def batch_size(self, oom_retries: int) -> int:
        """The batch size of the run after ``oom_retries`` out-of-memory failures.

        Raises:
            GpuOutOfMemoryError: a run at batch size 1 ran out of memory already.
        """
        size = self.first_batch >> oom_retries
        if size < 1:
            raise GpuOutOfMemoryError(
                f"the job ran out of GPU memory {oom_retries} times, the last time at batch size 1: free GPU memory "
                "(fewer workers per GPU, other processes), use a GPU with more memory, or render on CPU",
                {"oom_retries": oom_retries})
        return size
