"""Multi-process training under torch's own launcher (``torchrun``): ranks, devices, gradient averaging.

``torchrun --nproc_per_node=G -m ned_core.cli.main train manipulator ...`` starts G processes
with ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` and ``MASTER_ADDR``/``MASTER_PORT`` set. Every
process builds the same networks from the same seed, draws its own share of each batch, and
averages its gradients with the others after every backward pass (all-reduce), so each update
is the update of the whole batch. Without those variables training runs in one process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

from ned_core.exceptions import DistributedSetupError


@dataclass(frozen=True)
class DistributedContext:
    """Where this process stands.

    Attributes:
        rank: this process's index (0 = the one that logs and saves). world_size: processes.
        device: the torch device this process trains on.
    """

    rank: int
    world_size: int
    device: str

    @property
    def is_main(self) -> bool:
        """True for the process that writes logs and checkpoints."""
        return self.rank == 0


def setup_distributed(device: str) -> DistributedContext:
    """Join the process group if launched by ``torchrun``, else a one-process context.

    Args:
        device: ``"cpu"`` or ``"cuda"``/``"cuda:N"``; under the launcher CUDA processes use
            ``cuda:LOCAL_RANK`` and the NCCL backend, CPU processes the Gloo backend.

    Raises:
        DistributedSetupError: CUDA asked but absent, or the process group cannot start.
    """
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise DistributedSetupError(f"device {device!r} asked, but torch sees no CUDA device; use --device cpu")
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return DistributedContext(0, 1, device)
    rank, local = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    if device.startswith("cuda"):
        device = f"cuda:{local}"
        torch.cuda.set_device(local)
    try:
        if not dist.is_initialized():
            dist.init_process_group("nccl" if device.startswith("cuda") else "gloo")
    except (RuntimeError, ValueError) as e:
        raise DistributedSetupError(f"rank {rank} of {world}: cannot join the process group ({e})") from e
    return DistributedContext(rank, world, device)


def average_gradients(module: nn.Module, context: DistributedContext) -> None:
    """Average ``module``'s gradients over all processes (no-op in a one-process run)."""
    if context.world_size == 1:
        return
    grads = [p.grad for p in module.parameters() if p.grad is not None]
    if not grads:
        return
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat /= context.world_size
    offset = 0
    for g in grads:
        g.copy_(flat[offset:offset + g.numel()].view_as(g))
        offset += g.numel()


def teardown_distributed(context: DistributedContext) -> None:
    """Leave the process group (after a final barrier) if one was joined."""
    if context.world_size > 1 and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
