"""Face analysis + the embedded expression fit on synthetic 1080p/4K footage: frames/s per stage, and jitter.

Stages (frames/s of the shot; a frame with three faces counts once):

* decode+colour: ``open_plates`` iteration of an H.264 MP4 and of a half-float EXR (ZIP) sequence.
* working->sRGB8: ``ColourTransforms.working_to_srgb8`` of each decoded EXR frame (what analysis reads).
* analysis: ``analyze_shot`` on sRGB8 frames composed in memory (composing is not timed);
  fit: ``EmbeddedFaceModel.fit`` of every track; analysis+fit: both, against the goal of issue 3
  (>= 40 frames/s, 1080p, one face, 2 cores).
* plates->fit: ``pipeline.analyze_and_fit`` from the EXR sequence (decode, colour, fingerprint, analysis,
  fit), the path of ``ned analyze``, with no cache.

The jitter is ``landmark_jitter`` on one still frame repeated with fresh sensor noise, raw and after
the One-Euro smoothing, in % of the inter-ocular distance. The process is pinned to ``cores`` cores.

Usage: ``python benchmarks/bench_analysis.py [--quick] [--json PATH]``.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from benchkit.clips import PHOTO, Layout, actor_frames, clip_frames, noisy_still, write_exr_sequence, write_movie
from benchkit.machine import limit_cores
from benchkit.records import Stopwatch, TimedSource, metric, stage
from ned_core.analysis import AnalysisConfig, FaceMeshModels, analyze_shot, landmark_jitter
from ned_core.face3d import EmbeddedFaceModel
from ned_core.io.colour import ColourTransforms
from ned_core.io.plates import open_plates
from ned_core.pipeline.analyze import analyze_and_fit
from ned_core.pipeline.config import NedConfig

GOAL_FPS = 40.0  # issue 3: analysis + fit, 1080p, one face, 2 cores
GOAL_LAYOUT = Layout(1920, 1080, 1)
EXR_COMPRESSION = "zip"


@dataclass(frozen=True)
class AnalysisBenchConfig:
    """Sizes of one run.

    Attributes:
        actor_frames: length of the synthetic actor clip; analysis and fit run over this many frames.
        layouts: frame sizes and face counts of the analysis/fit measurements; the first one is also
            used for plates->fit and the jitter.
        movie_frames, exr_frames: frames written and decoded per resolution (MP4, EXR sequence).
        jitter_frames: length of the noisy still; noise_sigma: its noise in 8-bit levels.
        cores: CPU cores the process is limited to; also the analysis and colour threads.
    """

    actor_frames: int
    layouts: tuple[Layout, ...]
    movie_frames: int
    exr_frames: int
    jitter_frames: int
    noise_sigma: float = 2.0
    cores: int = 2


QUICK = AnalysisBenchConfig(actor_frames=48, layouts=(GOAL_LAYOUT,), movie_frames=12, exr_frames=8,
                            jitter_frames=32)
FULL = AnalysisBenchConfig(actor_frames=96, layouts=(GOAL_LAYOUT, Layout(1920, 1080, 3), Layout(3840, 2160, 1),
                                                     Layout(3840, 2160, 3)),
                           movie_frames=48, exr_frames=24, jitter_frames=96)


def decode_stages(actor: np.ndarray, layout: Layout, config: AnalysisBenchConfig,
                  workdir: Path) -> tuple[list[dict], str]:
    """decode+colour (MP4, EXR) and working->sRGB8 at one resolution; returns the stages and the EXR pattern."""
    res = layout.resolution
    colour = ColourTransforms(threads=config.cores)
    movie = write_movie(actor, layout, config.movie_frames, workdir / f"clip_{res}.mp4")
    pattern = write_exr_sequence(clip_frames(actor, layout, config.exr_frames), workdir, colour, EXR_COMPRESSION,
                                 f"clip_{res}")
    stages = []
    start = time.perf_counter()
    with open_plates(movie) as source:
        count = sum(1 for _ in source)
    stages.append(stage("decode+colour", count, time.perf_counter() - start, f"{res}, H.264 MP4"))
    convert = Stopwatch()
    with open_plates(pattern) as source:
        frames = TimedSource(source)
        for frame in frames:
            with convert:
                source.colour.working_to_srgb8(frame.rgb)
    stages.append(stage("decode+colour", frames.count, frames.producer.seconds, f"{res}, EXR half {EXR_COMPRESSION}"))
    stages.append(stage("working->sRGB8", frames.count, convert.seconds, res))
    return stages, pattern


def analysis_stages(actor: np.ndarray, layout: Layout, config: AnalysisBenchConfig, analysis: AnalysisConfig,
                    models: FaceMeshModels, model: EmbeddedFaceModel) -> tuple[list[dict], list[dict]]:
    """analysis, fit and analysis+fit of ``layout`` frames composed in memory (composing is not timed).

    Also returns the faces tracked and the mean fit residual, which show whether the timing is of real work.
    """
    frames = TimedSource(clip_frames(actor, layout, config.actor_frames))
    start = time.perf_counter()
    shot = analyze_shot(frames, analysis, models)
    analysed = time.perf_counter() - start - frames.producer.seconds
    start = time.perf_counter()
    fits = [model.fit(track.landmarks) for track in shot.tracks]
    fitted = time.perf_counter() - start
    target = GOAL_FPS if layout == GOAL_LAYOUT else None
    stages = [stage("analysis", frames.count, analysed, layout.label),
              stage("fit", frames.count, fitted, layout.label),
              stage("analysis+fit", frames.count, analysed + fitted, layout.label, target)]
    residual = float(np.mean([np.mean(f.residual) for f in fits])) if fits else float("nan")
    metrics = [metric("faces tracked", len(shot.tracks), "tracks", layout.label, "higher", layout.faces),
               metric("fit residual", residual, "% IOD", layout.label)]
    return stages, metrics


def plates_to_fit_stage(pattern: str, layout: Layout, analysis: AnalysisConfig, models: FaceMeshModels,
                        model: EmbeddedFaceModel) -> dict:
    """``analyze_and_fit`` from the EXR sequence: stages 1-3 as ``ned analyze`` runs them (no cache)."""
    ned = NedConfig(analysis=analysis, cache_dir=None)
    start = time.perf_counter()
    with open_plates(pattern) as source:
        analyze_and_fit(source, ned, models, model)
        count = len(source)
    return stage("plates->fit", count, time.perf_counter() - start, f"{layout.label}, EXR half {EXR_COMPRESSION}")


def jitter_metrics(actor: np.ndarray, layout: Layout, config: AnalysisBenchConfig, analysis: AnalysisConfig,
                   models: FaceMeshModels) -> list[dict]:
    """Static-face jitter (% of the inter-ocular distance), raw and smoothed, on a noisy still of ``layout``."""
    still = next(clip_frames(actor, layout, 1))[1]
    shot = analyze_shot(noisy_still(still, config.jitter_frames, config.noise_sigma), analysis, models)
    track = shot.default()
    variant = (f"{layout.resolution} still + noise sigma {config.noise_sigma:g}/255, "
               f"{config.jitter_frames} frames")
    raw, smooth = landmark_jitter(track.track.landmarks), landmark_jitter(track.landmarks)
    return [metric("static-face jitter raw", raw, "% IOD", variant),
            metric("static-face jitter smoothed", smooth, "% IOD", variant),
            metric("static-face frames with a face", len(track.track.frames), "frames", variant, "higher",
                   config.jitter_frames)]


def measure(config: AnalysisBenchConfig, workdir: Path) -> dict:
    """Every measurement of this benchmark for ``config``, footage written under ``workdir``."""
    cores = limit_cores(config.cores)
    cv2.setNumThreads(config.cores)
    analysis = AnalysisConfig(num_threads=config.cores)
    models = FaceMeshModels.load(config=analysis)
    model = EmbeddedFaceModel.from_mean_face()
    actor = actor_frames(config.actor_frames, models, model, analysis)
    stages, metrics = [], []
    patterns = {}
    for layout in config.layouts:
        if layout.resolution not in patterns:
            decoded, patterns[layout.resolution] = decode_stages(actor, layout, config, workdir)
            stages += decoded
        found, checks = analysis_stages(actor, layout, config, analysis, models, model)
        stages += found
        metrics += checks
    first = config.layouts[0]
    stages.append(plates_to_fit_stage(patterns[first.resolution], first, analysis, models, model))
    metrics += jitter_metrics(actor, first, config, analysis, models)
    notes = [f"analysis+fit {s['fps']} frames/s = {s['ratio']:.2f} x the goal of {GOAL_FPS:g} "
             f"({s['variant']}, {cores} cores)" for s in stages if s["target_fps"]]
    return {"title": "face analysis + embedded fit (issue 3)", "stages": stages, "metrics": metrics, "notes": notes,
            "config": {"actor_frames": config.actor_frames, "movie_frames": config.movie_frames,
                       "exr_frames": config.exr_frames, "cores": cores, "exr_compression": EXR_COMPRESSION,
                       "layouts": [layout.label for layout in config.layouts], "photo": PHOTO}}


def run(quick: bool) -> dict:
    """The benchmark at quick (1080p, one face, short clips) or full (1080p and 4K, one and three faces) size."""
    with tempfile.TemporaryDirectory(prefix="ned-bench-analysis-") as workdir:
        return measure(QUICK if quick else FULL, Path(workdir))


if __name__ == "__main__":
    from benchkit.standalone import main

    main("analysis", run, __doc__.splitlines()[0])
