"""Edits on faces hidden for a moment (issue 11): which bridged frames are painted, and how much of the edit the
actor keeps while another head crosses in front, against what is painted over the thing in front.

Clips from the footage builder (``ShotSpec.occluder``): another actor's head crossing in front ("head"), a glass, a
coffee cup, a hand of skin; random camera/grade/actor per seed. Each is analysed and rendered (happy) with the
defaults (``--paint-bridged held``: frames held behind another face are painted, the occlusion mask hiding the face
in front) and with nothing painted (``none``, the behaviour before). Per clip: bridged frames, those the analysis
marks ``held`` (behind another face), and on the bridged frames the plates' mean alpha on the visible rest of the
actor's face box (the box less the occluder, grown 4 px) and over the occluder. A glass, a cup or a hand should get
no held frame (painting there would put the edit on the occluder); a head should.

Usage: ``python benchmarks/bench_occluded_edits.py [--quick] [--json PATH]`` (quick: 4 head clips and one each of
the others; full: 16 head clips and 4 each).
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from benchkit.machine import limit_cores
from benchkit.records import metric
from ned_core.analysis import AnalysisConfig, FaceMeshModels
from ned_core.io.exr import read_face_plate
from ned_core.io.plates import open_plates
from ned_core.pipeline.analyze import analyze_and_fit
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest
from ned_core.synthetic import write_png_sequence
from ned_core.synthetic.footage import ClipSpec, ShotSpec, build_footage, photo_faces

FIRST = 1001
CAMERAS, GRADES = ("edge", "fill", "zoom", "pan"), ("neutral", "warm", "dark", "dark_warm")


def clip_specs(occluder: str, seed: int, count: int) -> list[ShotSpec]:
    """``count`` random shots (actor, camera, grade) with ``occluder`` passing in front, fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    return [ShotSpec(str(rng.choice(["astronaut", "grace_hopper"])), 36, str(rng.choice(CAMERAS)),
                     str(rng.choice(GRADES)), seed=seed * 10 + k, hand=True, occluder=occluder) for k in range(count)]


def _alphas(out: Path, frames: np.ndarray, boxes: np.ndarray, occluder: np.ndarray) -> tuple[float, float]:
    """Mean plate alpha on the visible rest of the face box and over the occluder, over ``frames``."""
    rest, over = [], []
    for number, box in zip(frames, boxes):
        plate, _ = read_face_plate(next(out.glob(f"*.{int(number):04d}.exr")))
        alpha = np.zeros(occluder.shape[1:], np.float32)
        x0, y0, x1, y1 = plate.data_window
        alpha[y0:y1, x0:x1] = plate.rgba[..., 3]
        hidden = occluder[int(number) - FIRST]
        bx0, by0, bx1, by1 = np.round(box).astype(int)
        face = np.zeros_like(hidden)
        face[max(by0, 0):by1, max(bx0, 0):bx1] = True
        visible = face & ~cv2.dilate(hidden.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
        if hidden.any():
            over.append(float(alpha[hidden].mean()))
        if visible.any():
            rest.append(float(alpha[visible].mean()))
    return (float(np.mean(rest)) if rest else 0.0), (float(np.mean(over)) if over else 0.0)


def measure(spec: ShotSpec, boxes, models: FaceMeshModels, analysis: AnalysisConfig, workdir: Path) -> dict:
    """One clip: bridged and held frame counts, and alpha on the rest / over the occluder, painted and not."""
    clip = build_footage(ClipSpec(spec.occluder, (spec,)), boxes)
    plain = build_footage(ClipSpec(spec.occluder, (replace(spec, hand=False),)), boxes)
    occluder = np.any(clip.frames != plain.frames, axis=-1)
    folder = workdir / f"{spec.occluder}_{spec.seed}"
    write_png_sequence(clip.frames, folder, "clip", FIRST)
    source = str(folder / "clip.####.png")
    config = NedConfig(analysis=analysis, cache_dir=folder / "cache")
    with open_plates(source, colour=config.colour) as plates:
        track = analyze_and_fit(plates, config, models=models).analysis.default().track
    bridged = track.interpolated
    row = {"bridged": int(bridged.sum()), "held": int(track.held.sum())}
    for name, painted in (("painted", True), ("unpainted", False)):
        run = replace(config, composite=replace(config.composite, paint_held=painted))
        render_shot(RenderRequest(source=source, out_dir=str(folder / name), emotion="happy"), run, models=models)
        row[name] = _alphas(folder / name, track.frames[bridged], track.boxes[bridged], occluder)
    return row


def run(quick: bool) -> dict:
    cores = limit_cores(2)
    analysis = AnalysisConfig(num_threads=cores)
    models = FaceMeshModels.load(config=analysis)
    boxes = photo_faces(models, analysis)
    plan = ([("head", 80, 4), ("glass", 90, 1), ("cup", 95, 1), ("skin", 90, 1)] if quick else
            [("head", 80, 8), ("head", 70, 8), ("glass", 90, 2), ("glass", 95, 4), ("cup", 95, 4), ("skin", 90, 4)])
    metrics, notes = [], []
    with tempfile.TemporaryDirectory(prefix="ned-bench-occluded-") as tmp:
        for occluder, seed, count in plan:
            for spec in clip_specs(occluder, seed, count):
                row = measure(spec, boxes, models, analysis, Path(tmp))
                label = f"{occluder} {spec.actor} {spec.camera} {spec.grade} seed {spec.seed}"
                notes.append(f"{label}: bridged {row['bridged']}, held behind a face {row['held']}; alpha on the "
                             f"visible rest {row['painted'][0]:.2f} (nothing painted {row['unpainted'][0]:.2f}), over "
                             f"the {occluder} {row['painted'][1]:.3f} ({row['unpainted'][1]:.3f})")
                print(notes[-1], flush=True)
                metrics += [metric("bridged frames marked held", row["held"], "frames", label,
                                   "higher" if occluder == "head" else "lower"),
                            metric("alpha on the visible rest, bridged frames", row["painted"][0], "", label,
                                   "higher" if occluder == "head" else "lower"),
                            metric("alpha over the occluder, bridged frames", row["painted"][1], "", label)]
    return {"title": "edits on faces hidden by another head, a glass, a cup, a hand (issue 11)", "stages": [],
            "metrics": metrics, "notes": notes, "config": {"cores": cores, "quick": quick}}


if __name__ == "__main__":
    from benchkit.standalone import main

    main("occluded edits", run, __doc__.splitlines()[0])
