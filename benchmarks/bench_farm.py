"""Chunked farm rendering vs one run of the same shot on one machine (issue 14: chunking costs <= 10 %).

* single run: ``render_shot`` of the whole shot, analysis cache empty (what `ned render` does).
* chunked: the farm job's tasks one after the other in this process: the analysis task (cache empty), then
  every chunk (``run_render_task``: analysis from the cache, direction over the whole shot, the chunk's plates).
  The overhead is ``chunked / single - 1`` in wall time and in CPU time (all threads).
* per-task start: a new Python process importing the render job and loading the face models, what every farm
  task pays on top (not in the overhead above, which runs the tasks in one process).

Usage: ``python benchmarks/bench_farm.py [--quick] [--json PATH]``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from benchkit.clips import Layout, actor_frames, write_movie
from benchkit.machine import limit_cores
from benchkit.records import metric, stage
from ned_core.analysis import AnalysisConfig, FaceMeshModels
from ned_core.face3d import EmbeddedFaceModel
from ned_core.farm.tasks import run_analysis_task, run_render_task
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest

GOAL_OVERHEAD_PERCENT = 10.0
#: what a farm task's process does before its first frame
TASK_START = ("from ned_core.pipeline.render_job import render_shot; from ned_core.analysis import FaceMeshModels; "
              "FaceMeshModels.load()")
EMOTION = "happy:0.8"


@dataclass(frozen=True)
class FarmBenchConfig:
    frames: int
    chunks: tuple[int, ...]
    layout: Layout = Layout(1920, 1080, 1)
    cores: int = 2


QUICK = FarmBenchConfig(frames=48, chunks=(24,))
FULL = FarmBenchConfig(frames=96, chunks=(24, 12))


class _Clock:
    """Wall and CPU (every thread of the process) seconds of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def measure(config: FarmBenchConfig, workdir: Path) -> dict:
    cores = limit_cores(config.cores)
    analysis = AnalysisConfig(num_threads=cores)
    models = FaceMeshModels.load(config=analysis)
    with _Clock() as start:
        subprocess.run([sys.executable, "-c", TASK_START], check=True, capture_output=True)
    actor = actor_frames(config.frames, models, EmbeddedFaceModel.from_mean_face(), analysis)
    movie = write_movie(actor, config.layout, config.frames, workdir / "farm.mp4")
    shot = f"0-{config.frames - 1}"
    label = f"{config.layout.label}, {config.frames} frames"
    with _Clock() as single:
        render_shot(RenderRequest(source=str(movie), out_dir=str(workdir / "single"), emotion=EMOTION),
                    replace(NedConfig(analysis=analysis), cache_dir=workdir / "cache_single"), models=models)
    stages = [stage("single run", config.frames, single.wall, label)]
    metrics = [metric("per-task start (process, imports, face models)", start.wall, "s", label)]
    for size in config.chunks:
        ned = replace(NedConfig(analysis=analysis), cache_dir=workdir / f"cache_{size}")
        request = RenderRequest(source=str(movie), out_dir=str(workdir / f"chunks_{size}"), emotion=EMOTION,
                                frames=shot)
        with _Clock() as chunked:
            run_analysis_task(str(movie), shot, None, request.out_dir, ned)
            for first in range(0, config.frames, size):
                run_render_task(request, f"{first}-{min(first + size, config.frames) - 1}", ned)
        variant = f"{label}, chunks of {size}"
        stages.append(stage("chunked (analysis task + chunks)", config.frames, chunked.wall, variant))
        metrics += [metric("chunking overhead (wall)", 100 * (chunked.wall / single.wall - 1), "%", variant,
                           target=GOAL_OVERHEAD_PERCENT),
                    metric("chunking overhead (CPU)", 100 * (chunked.cpu / single.cpu - 1), "%", variant,
                           target=GOAL_OVERHEAD_PERCENT)]
    return {"title": "farm chunks vs one run", "config": {"frames": config.frames, "chunks": list(config.chunks),
                                                          "layout": config.layout.label, "cores": cores},
            "stages": stages, "metrics": metrics,
            "notes": ["the chunks run in this process here; on a farm each task also pays the per-task start"]}


def run(quick: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="ned-bench-farm-") as tmp:
        return measure(QUICK if quick else FULL, Path(tmp))


if __name__ == "__main__":
    from benchkit.standalone import main

    main("farm", run, __doc__.splitlines()[0])
