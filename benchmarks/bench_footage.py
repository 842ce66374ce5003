"""Shots and tracks on the footage builder's hard clips (issue 11): cut errors, coverage per face, frames/s.

For every dev clip (tuned on) and held-out clip (measured only), rendered at ``size``:

* cut error: largest distance (frames) between a true shot start and the nearest found one, and the count
  of found and true shot starts;
* per true shot and actor with a visible face: the share of its visible frames the best single track
  covers (goal >= 0.95), how many tracks touch it, frames with two tracks on it at once (goal 0);
* analysis frames/s with the default re-detection and with the presence trigger off
  (``redetect_presence=0``): the cost of re-detecting whenever the mesh's confidence drops.

Usage: ``python benchmarks/bench_footage.py [--quick] [--json PATH]`` (quick: 320x240, full: 1920x1080).
"""

from __future__ import annotations

import dataclasses
import time

import cv2
import numpy as np

from benchkit.machine import limit_cores
from benchkit.records import metric, stage
from ned_core.analysis import AnalysisConfig, FaceMeshModels, analyze_shot
from ned_core.synthetic.footage import build_footage, dev_clips, held_out_clips, photo_faces
from ned_core.synthetic.footage_score import score_tracks

COVERAGE_GOAL = 0.95


def clip_figures(clip, split: str, boxes, analysis: AnalysisConfig, models: FaceMeshModels) -> tuple[list, list]:
    """Stages and metrics of one clip."""
    footage = build_footage(clip, boxes)
    source = [(i, f) for i, f in enumerate(footage.frames)]
    label = f"{split} {clip.name} {clip.size[0]}x{clip.size[1]}"
    timings = {}
    for name, config in (("analysis", analysis), ("analysis, no presence re-detect",
                                                  dataclasses.replace(analysis, redetect_presence=0.0))):
        start = time.perf_counter()
        result = analyze_shot(iter(source), config, models)
        timings[name] = time.perf_counter() - start
        if name == "analysis":
            shots = result
    stages = [stage(name, len(source), seconds, label) for name, seconds in timings.items()]
    found = np.flatnonzero(np.diff(shots.shots)) + 1
    truth = footage.cuts
    error = max((int(np.abs(found - t).min()) if len(found) else len(source) for t in truth), default=0)
    metrics = [metric("cut error", error, "frames", label, "lower", 1),
               metric("shot starts found", len(found), "starts", label, "higher", len(truth))]
    for s in score_tracks(footage, shots):
        variant = f"{label} shot {s.shot} {s.actor}"
        metrics += [metric("coverage", s.coverage, "share", variant, "higher", COVERAGE_GOAL),
                    metric("tracks on the face", len(s.tracks), "tracks", variant, "lower", 1),
                    metric("frames with two tracks", s.duplicates, "frames", variant, "lower")]
    return stages, metrics


def run(quick: bool) -> dict:
    """Every clip at 320x240 (quick) or 1920x1080 (full), analysis limited to 2 cores."""
    cores = limit_cores(2)
    cv2.setNumThreads(cores)
    analysis = AnalysisConfig(num_threads=cores)
    models = FaceMeshModels.load(config=analysis)
    boxes = photo_faces(models, analysis)
    size = (320, 240) if quick else (1920, 1080)
    stages, metrics = [], []
    for split, clips in (("dev", dev_clips()), ("held-out", held_out_clips())):
        for clip in clips:
            found_stages, found_metrics = clip_figures(dataclasses.replace(clip, size=size), split, boxes, analysis,
                                                       models)
            stages += found_stages
            metrics += found_metrics
    low = [m for m in metrics if m["name"] == "coverage" and m["value"] < COVERAGE_GOAL]
    notes = [f"{len(low)} faces under {COVERAGE_GOAL} coverage: " + ", ".join(f"{m['variant']} {m['value']:.2f}"
                                                                           for m in low)] if low else []
    return {"title": "shots and tracks on hard test footage (issue 11)", "stages": stages, "metrics": metrics,
            "notes": notes, "config": {"size": list(size), "cores": cores}}


if __name__ == "__main__":
    from benchkit.standalone import main

    main("footage", run, __doc__.splitlines()[0])
