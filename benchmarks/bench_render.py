"""`ned render` end to end on a synthetic 1080p (and 4K) clip: frames/s per stage and in total, peak memory.

Stages, per frame of the shot (the edited track covers every frame):

* end to end (cold): ``render_shot`` from the MP4, analysis cache empty: decode, analysis, fit, direct,
  render, composite, EXR write. Goal of issue 4: >= 24 frames/s at 1080p with one face on 2 cores.
* end to end (cached analysis): the same request again; the analysis comes from the cache.
* per stage (the same code ``render_shot`` runs, timed one by one): decode+colour of the face window,
  direct (whole track), render (mesh warp + mouth fill), composite (Laplacian blend), EXR write (DWAA:45).

Usage: ``python benchmarks/bench_render.py [--quick] [--json PATH]``.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from benchkit.clips import Layout, actor_frames, write_movie
from benchkit.machine import limit_cores
from benchkit.memory import peak_rss_mb
from benchkit.records import Stopwatch, metric, stage
from ned_core.analysis import AnalysisConfig, FaceMeshModels
from ned_core.composite import composite_face
from ned_core.composite.occlusion import occlusion_mask, unoccluded
from ned_core.face3d import EmbeddedFaceModel
from ned_core.io.exr import PlateMetadata, write_face_plate
from ned_core.io.plates import open_plates
from ned_core.pipeline.analyze import analyze_and_fit
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.directing import build_schedule, direct_track, make_director
from ned_core.pipeline.frame_render import FrameRenderer
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest
from ned_core.pipeline.targets import target_landmarks

GOAL_FPS = 24.0  # issue 4: end to end, 1080p, one face, 2 cores
EMOTION = "happy:0.8"


@dataclass(frozen=True)
class RenderBenchConfig:
    """Sizes of one run: clip length, layouts (first = the goal's), cores."""

    frames: int
    layouts: tuple[Layout, ...]
    cores: int = 2


QUICK = RenderBenchConfig(frames=24, layouts=(Layout(1920, 1080, 1),))
FULL = RenderBenchConfig(frames=48, layouts=(Layout(1920, 1080, 1), Layout(1920, 1080, 3), Layout(3840, 2160, 1),
                                            Layout(3840, 2160, 3)))


def end_to_end(movie: Path, out: Path, config: NedConfig, models: FaceMeshModels, label: str,
               frames: int, goal: float | None) -> list[dict]:
    """Cold (no cached analysis) and warm (cached) ``render_shot`` runs of the same request."""
    request = RenderRequest(source=str(movie), out_dir=str(out), emotion=EMOTION)
    stages = []
    for name in ("end to end (cold)", "end to end (cached analysis)"):
        start = time.perf_counter()
        render_shot(request, config, models=models)
        stages.append(stage(name, frames, time.perf_counter() - start, label, goal))
    return stages


def per_stage(movie: Path, out: Path, config: NedConfig, models: FaceMeshModels, label: str) -> list[dict]:
    """Each render stage alone, on the frames of the default track."""
    face_model = EmbeddedFaceModel.from_mean_face(config.fit)
    with open_plates(movie, colour=config.colour) as source:
        shot = analyze_and_fit(source, config, models=models, model=face_model)
        track = shot.analysis.default()
        fit = shot.fits[track.track.track_id]
        info = source.info
        request = RenderRequest(source=str(movie), out_dir=str(out), emotion=EMOTION)
        schedule = build_schedule(request, info.frames[0], info.frames[-1], config)
        director = make_director(request, config, models)
        watch = {name: Stopwatch() for name in ("decode+colour (face window)", "direct", "render", "composite",
                                                 "occlusion mask", "EXR write (dwaa:45)")}
        with watch["direct"]:
            directed = direct_track(director, schedule, track.track.frames, fit, 0)
            dst = target_landmarks(face_model, fit, directed, track.landmarks)
        renderer = FrameRenderer(config, source, track)
        meta = PlateMetadata(fps=info.fps or 24)
        for i, number in enumerate(track.track.frames):
            src_lm, dst_lm = track.landmarks[i], dst[i]
            with watch["decode+colour (face window)"]:
                frame = source.read(int(number), renderer.window(src_lm, dst_lm))
            shift = (frame.origin[0], frame.origin[1], 0.0)
            with watch["render"]:
                rendered = renderer.renderer.render(frame.number, frame.rgb, src_lm - shift, dst_lm - shift)
            with watch["composite"]:
                plate = composite_face(frame.rgb, rendered, src_lm - shift, dst_lm - shift, config.composite)
            with watch["occlusion mask"]:
                occlusion = occlusion_mask(renderer.occlusion, frame.rgb, src_lm - shift, plate.data_window,
                                           config.composite.occlusion)
                plate = unoccluded(plate, occlusion)
            with watch["EXR write (dwaa:45)"]:
                write_face_plate(out / f"stage.{int(number):04d}.exr", plate, meta, config.plates)
    count = len(track.track.frames)
    return [stage(name, count, w.seconds, label) for name, w in watch.items()]


def measure(config: RenderBenchConfig, workdir: Path) -> dict:
    cores = limit_cores(config.cores)
    analysis = AnalysisConfig(num_threads=cores)
    models = FaceMeshModels.load(config=analysis)
    actor = actor_frames(config.frames, models, EmbeddedFaceModel.from_mean_face(), analysis)
    stages, metrics = [], []
    for k, layout in enumerate(config.layouts):
        movie = write_movie(actor, layout, config.frames, workdir / f"render_{layout.resolution}_{layout.faces}.mp4")
        ned = replace(NedConfig(analysis=analysis), cache_dir=workdir / f"cache_{k}")
        goal = GOAL_FPS if k == 0 else None
        stages += end_to_end(movie, workdir / f"out_{k}", ned, models, layout.label, config.frames, goal)
        stages += per_stage(movie, workdir / f"stages_{k}", ned, models, layout.label)
        metrics.append(metric("peak RSS so far", peak_rss_mb(), "MB", layout.label))
    return {"title": "ned render end to end", "config": {"frames": config.frames, "emotion": EMOTION,
                                                         "layouts": [layout.label for layout in config.layouts],
                                                         "cores": cores},
            "stages": stages, "metrics": metrics}


def run(quick: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="ned-bench-render-") as tmp:
        return measure(QUICK if quick else FULL, Path(tmp))


if __name__ == "__main__":
    from benchkit.standalone import main

    main("render", run, __doc__.splitlines()[0])
