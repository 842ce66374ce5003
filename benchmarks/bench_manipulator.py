"""Benchmark the learned manipulator: inference cost per frame and training iterations per second (CPU, CUDA).

Run ``python benchmarks/bench_manipulator.py`` (``--quick`` for fewer repetitions). Prints a table
and writes ``benchmarks/results/bench_manipulator_<device>.json``; ``run(quick)`` gives ``run_all.py`` the same
figures as stage (inference frames/s) and metric (training iterations/s) records. Inference = the learned
director on one shot (sliding windows of N = 10, every window through E and G, Gaussian
overlap); training = one full iteration (two D and two G-side updates) at batch 64.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch

from ned_core import __version__
from ned_core.direct.config import DirectConfig
from ned_core.direct.spec import parse_emotion_spec
from ned_core.manipulation.config import sized_config
from ned_core.manipulation.director import LearnedDirector
from ned_core.manipulation.model import build_manipulator
from ned_core.manipulation.space import EMBEDDED_SPACE, FLAME_SPACE, ExpressionSpace
from ned_core.training.config import TrainConfig
from ned_core.training.dataset_synthetic import synthetic_dataset
from ned_core.training.losses import LossWeights
from ned_core.training.train_step import draw_batch, make_optimisers, train_iteration
from ned_core.training.windows import WindowSampler, window_index

from benchkit.records import metric, stage

RESULTS = Path(__file__).resolve().parent / "results"
#: (network size preset, expression space) of the inference cases.
CASES = (("paper", FLAME_SPACE), ("paper", EMBEDDED_SPACE), ("small", EMBEDDED_SPACE))


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def bench_inference(preset: str, space: ExpressionSpace, device: str, frames: int, repeats: int) -> dict:
    """Milliseconds per frame of ``LearnedDirector.direct`` on a ``frames``-frame shot."""
    model = build_manipulator(sized_config(preset, space.dim), space, 0, with_discriminator=False).to(device).eval()
    director = LearnedDirector(model, DirectConfig())
    expr = np.random.default_rng(0).normal(size=(frames, space.dim)).astype(np.float32) * 0.3
    schedule = parse_emotion_spec("happy:0.8", 0, frames - 1, DirectConfig())
    director.direct(expr, schedule, 0)  # warm-up
    times = []
    for _ in range(repeats):
        _sync(device)
        start = time.perf_counter()
        director.direct(expr, schedule, 0)
        _sync(device)
        times.append(time.perf_counter() - start)
    best = min(times)
    return {"frames": frames, "ms_per_frame": 1000 * best / frames, "frames_per_s": frames / best,
            "shot_s": best}


def bench_training(preset: str, device: str, steps: int, batch: int) -> dict:
    """Training iterations per second at ``batch`` (embedded space, synthetic windows)."""
    data = synthetic_dataset(actors=2, clips_per_emotion=1, frames=60, seed=0)
    sampler = WindowSampler(data, window_index(data, 10))
    model = build_manipulator(sized_config(preset, EMBEDDED_SPACE.dim), EMBEDDED_SPACE, 0).to(device).train()
    optimisers = make_optimisers(model, TrainConfig())
    rng = np.random.default_rng(0)
    batches = [draw_batch(sampler, batch, model.config.latent_dim, rng, device) for _ in range(steps + 1)]
    train_iteration(model, optimisers, batches[0], LossWeights(), 0, lambda net: None)  # warm-up
    _sync(device)
    start = time.perf_counter()
    for i, b in enumerate(batches[1:], start=1):
        train_iteration(model, optimisers, b, LossWeights(), i, lambda net: None)
    _sync(device)
    elapsed = time.perf_counter() - start
    return {"batch": batch, "steps": steps, "steps_per_s": steps / elapsed, "s_per_step": elapsed / steps,
            "parameters": {n: sum(p.numel() for p in net.parameters()) for n, net in model.nets().items()}}


def _sizes(quick: bool, device: str) -> tuple[int, int, dict[str, int]]:
    """Repetitions, frames per shot and training steps per preset."""
    repeats, frames = (2, 100) if quick else (5, 250)
    train_steps = {"paper": 1 if quick else 5, "small": 3 if quick else 20}
    if device.startswith("cuda"):
        train_steps = {k: 10 * v for k, v in train_steps.items()}
    return repeats, frames, train_steps


def run(quick: bool) -> dict:
    """Inference frames/s of each case and training iterations/s of each preset, on CPU (and CUDA if present);
    quick trains at batch 16 (a paper-size iteration at batch 64 takes tens of seconds on a small CPU)."""
    stages, metrics, batch = [], [], 16 if quick else 64
    for device in ["cpu"] + (["cuda"] if torch.cuda.is_available() else []):
        repeats, frames, train_steps = _sizes(quick, device)
        for preset, space in CASES:
            r = bench_inference(preset, space, device, frames, repeats)
            stages.append(stage("learned director", r["frames"], r["shot_s"], f"{preset}/{space.name}/{device}"))
        for preset, steps in train_steps.items():
            r = bench_training(preset, device, steps, batch)
            metrics.append(metric("training iterations", r["steps_per_s"], "it/s", f"{preset}/batch {batch}/{device}",
                                  better="higher"))
    return {"stages": stages, "metrics": metrics}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="cpu or cuda (default: both when CUDA is present, else cpu)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = torch's default)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    devices = [args.device] if args.device else ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        repeats, frames, train_steps = _sizes(args.quick, device)
        inference = {f"{p}/{s.name}": bench_inference(p, s, device, frames, repeats) for p, s in CASES}
        training = {p: bench_training(p, device, n, 64) for p, n in train_steps.items()}
        result = {
            "benchmark": "manipulator", "ned_version": __version__, "torch": torch.__version__, "device": device,
            "device_name": torch.cuda.get_device_name(0) if device.startswith("cuda") else platform.processor()
            or platform.machine(), "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
            "inference": inference, "training": training,
        }
        print(f"== {device} ({result['device_name']}, torch {torch.__version__}, {torch.get_num_threads()} threads)")
        for name, r in inference.items():
            print(f"inference {name:16} {r['ms_per_frame']:8.2f} ms/frame  ({r['frames_per_s']:.0f} frames/s, "
                  f"{r['frames']}-frame shot)")
        for name, r in training.items():
            print(f"training  {name:16} {r['steps_per_s']:8.2f} iterations/s at batch {r['batch']} "
                  f"({r['s_per_step']:.3f} s each)")
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"bench_manipulator_{device.split(':')[0]}.json"
        out.write_text(json.dumps(result, indent=2))
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
