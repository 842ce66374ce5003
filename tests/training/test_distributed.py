"""Multi-process training on CPU (Gloo): gradients averaged over processes; torchrun trains, rank 0 saves."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.multiprocessing as mp

from ned_core.training.dataset import save_dataset
from ned_core.training.distributed import average_gradients, setup_distributed, teardown_distributed

pytestmark = pytest.mark.slow  # starts several Python processes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, port: int, out: str) -> None:
    os.environ.update({"RANK": str(rank), "WORLD_SIZE": "2", "LOCAL_RANK": str(rank), "MASTER_ADDR": "127.0.0.1",
                       "MASTER_PORT": str(port)})
    torch.set_num_threads(1)
    context = setup_distributed("cpu")
    net = torch.nn.Linear(3, 2)
    for p in net.parameters():
        p.grad = torch.full_like(p, float(rank + 1))  # rank 0: ones, rank 1: twos
    average_gradients(net, context)
    np.save(Path(out) / f"rank{rank}.npy", torch.cat([p.grad.reshape(-1) for p in net.parameters()]).numpy())
    teardown_distributed(context)


def test_gradients_are_averaged_over_processes(tmp_path):
    mp.spawn(_worker, args=(_free_port(), str(tmp_path)), nprocs=2, join=True)
    for rank in (0, 1):
        np.testing.assert_array_equal(np.load(tmp_path / f"rank{rank}.npy"), np.full(8, 1.5))


def test_torchrun_launch_trains_and_rank_0_saves(tmp_path, small_set):
    data = save_dataset(small_set, tmp_path / "d.npz")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    torchrun = Path(sys.executable).with_name("torchrun")
    proc = subprocess.run(
        [str(torchrun), "--nproc_per_node=2", "--master_addr=127.0.0.1", f"--master_port={_free_port()}",
         "-m", "ned_core.cli.main", "train", "manipulator", str(data), "--out", str(tmp_path / "run"),
         "--size", "small", "--steps", "3", "--batch-size", "8", "--val-every", "0", "--checkpoint-every", "3",
         "--log-every", "1", "--threads", "1", "--quiet"],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = (tmp_path / "run" / "logs" / "train.jsonl").read_text().splitlines()
    assert [json.loads(x)["step"] for x in lines] == [1, 2, 3]  # one writer
    assert (tmp_path / "run" / "checkpoints" / "latest.pt").is_file()
