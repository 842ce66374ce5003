"""Shots and tracks on the footage builder's hard clips (issue 11): cut errors, coverage per face, frames/s.

For every dev clip (tuned on) and held-out clip (measured only), rendered at ``size``:

* cut error: largest distance (frames) between a true shot start and the nearest found one, and the count
  of found and true shot starts;
* per true shot and actor with a visible face: the share of its visible frames the best single track
  covers (goal >= 0.95), how many tracks touch it, frames with two tracks on it at once (goal 0);
* analysis frames/s with the default re-detection and with the presence trigger off
  (``redetect_presence=0``): the cost of re-detecting whenever the mesh's confidence drops.

``--quick`` instead runs the 18 variants of :func:`~ned_core.synthetic.footage.variant_clips` at 320x240
(12 developed on, 6 held out, reported apart), the head-turn clips of :func:`~ned_core.synthetic.footage.turn_clips`
and the turns to profile of :func:`~ned_core.synthetic.footage.profile_clips` (one developed on, one held out each)
and prints one line per clip:
the cut errors (frames off per true shot start, and starts found that are none), each shot's main-face coverage,
the frames with
duplicate tracks and whether the character grouping (dlib descriptor, when installed) gives one character per
actor; then the counts: main faces under 0.95 coverage, variants with a cut error; and the shot starts of the
16-frame dissolves out of a fast pan of :func:`~ned_core.synthetic.footage.pan_dissolve_clips` (12 developed on, 4
held out; the shot detector alone).

The full run also analyses the head-turn and profile clips at 1920x1080 (one line each, as ``--quick`` prints them; at
that size the face filling the frame turned to 90 degrees was split in two tracks, 0.60 coverage, issue 11), and
places the shot starts of every variant and pan dissolve at the sizes in ``NED_CUT_SIZES`` (default
``1280x720,1920x1080``; the shot detector alone, fed the frames as the analysis feeds it): per variant the frames
off of each true start, starts of the wrong kind and extra starts; the count of variants with an error per split
and size (the tests build them at 320x240; issue 11).

Usage: ``python benchmarks/bench_footage.py [--quick] [--json PATH]`` (full: the fixed, turn and profile clips at
1920x1080, and the variants' shot starts at ``NED_CUT_SIZES``).
"""

from __future__ import annotations

import dataclasses
import os
import time

import cv2
import numpy as np

from benchkit.machine import limit_cores
from benchkit.records import metric, stage
from ned_core.analysis import AnalysisConfig, FaceMeshModels, analyze_shot
from ned_core.analysis.characters import group_tracks
from ned_core.analysis.cuts import ShotDetector
from ned_core.analysis.identity import FaceDescriptor
from ned_core.analysis.signature import frame_summary
from ned_core.exceptions import IdentityModelUnavailableError, ModelMissingError
from ned_core.models.store import ModelStore, StoreConfig
from ned_core.pipeline.characters import track_identity
from ned_core.synthetic.footage import (
    build_footage, dev_clips, held_out_clips, pan_dissolve_clips, photo_faces, photo_meshes, profile_clips, turn_clips,
    variant_clips,
)
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


def cut_errors(found: np.ndarray, truth: np.ndarray) -> tuple[list[int], int]:
    """Frames off of each true shot start (to the nearest found one), and the found starts more than 1 frame
    from every true one."""
    off = [int(np.abs(found - t).min()) if len(found) else 999 for t in truth]
    extra = sum(1 for f in found if not len(truth) or np.abs(truth - f).min() > 1)
    return off, extra


def grouping(footage, shots, scores, descriptor: FaceDescriptor | None) -> str:
    """"ok" when the main faces' best tracks form one character per actor, else what went wrong."""
    if descriptor is None:
        return "no descriptor"
    best = {s.best_track: s.actor for s in scores if s.best_track >= 0}
    identities = []
    for t in shots.tracks:
        if int(t.track.track_id) not in best:
            continue
        identities.append(track_identity(shots, t, lambda f: footage.frames[f], descriptor, 5)[0])
    characters = group_tracks(identities).characters
    mixed = sum(1 for c in characters if len({best[t] for t in c.track_ids}) > 1)
    split = sum(len({c.character_id for c in characters if set(c.track_ids) & {t for t, a in best.items() if a == actor}}) - 1
                for actor in set(best.values()))
    return "ok" if not mixed and not split else f"{mixed} mixed, {split} split"


def variant_figures(split: str, clips, boxes, meshes, config: AnalysisConfig, models: FaceMeshModels,
                    descriptor: FaceDescriptor | None) -> tuple[list, list, list[dict]]:
    """Stages, metrics and one summary row per clip of one split."""
    stages, metrics, rows = [], [], []
    for clip in clips:
        footage = build_footage(clip, boxes, meshes)
        start = time.perf_counter()
        shots = analyze_shot(((i, f) for i, f in enumerate(footage.frames)), config, models)
        label = f"{split} {clip.name}"
        stages.append(stage("analysis", len(footage.frames), time.perf_counter() - start, label))
        off, extra = cut_errors(np.flatnonzero(np.diff(shots.shots)) + 1, footage.cuts)
        scores = score_tracks(footage, shots)
        main = [s for s in scores if s.actor == clip.shots[s.shot].actor]
        row = {"variant": clip.name, "split": split, "cut off": off, "extra starts": extra,
               "cut error": max(off, default=0) > 1 or extra > 0,
               "main coverage": [round(s.coverage, 2) for s in main],
               "low": sum(s.coverage < COVERAGE_GOAL for s in main), "main faces": len(main),
               "duplicate frames": sum(s.duplicates for s in scores),
               "tracks": len(shots.tracks), "grouping": grouping(footage, shots, scores, descriptor)}
        rows.append(row)
        print(f"{split:13s} {clip.name}: cuts off {off} extra {extra} | main coverage {row['main coverage']} | "
              f"duplicate frames {row['duplicate frames']} | tracks {row['tracks']} | characters {row['grouping']}",
              flush=True)
        metrics += [metric("cut error", max(off, default=0), "frames", label, "lower", 1),
                    metric("extra shot starts", extra, "starts", label, "lower"),
                    metric("main faces under goal", row["low"], "faces", label, "lower"),
                    metric("frames with two tracks", row["duplicate frames"], "frames", label, "lower")]
    return stages, metrics, rows


def _descriptor() -> FaceDescriptor | None:
    """The face descriptor for the character grouping, or None (said) when it is not installed."""
    try:
        return FaceDescriptor.load(ModelStore(StoreConfig()))
    except (ModelMissingError, IdentityModelUnavailableError) as error:
        print(f"character grouping not measured: {error}")
        return None


def run_variants(cores: int, analysis: AnalysisConfig, models: FaceMeshModels, boxes) -> dict:
    """The quick run: every variant and the head-turn clips at 320x240."""
    descriptor = _descriptor()
    stages, metrics, notes = [], [], []
    meshes = photo_meshes(models, analysis)
    for split, clips in (("dev", variant_clips()), ("held-out", variant_clips(held_out=True)),
                         ("turn dev", turn_clips()), ("turn held-out", turn_clips(held_out=True)),
                         ("profile dev", profile_clips()), ("profile held-out", profile_clips(held_out=True))):
        found_stages, found_metrics, rows = variant_figures(split, clips, boxes, meshes, analysis, models, descriptor)
        stages += found_stages
        metrics += found_metrics
        notes.append(f"{split}: main faces under {COVERAGE_GOAL} coverage {sum(r['low'] for r in rows)}/"
                     f"{sum(r['main faces'] for r in rows)}; variants with a cut error {sum(r['cut error'] for r in rows)}/"
                     f"{len(rows)}; duplicate frames {sum(r['duplicate frames'] for r in rows)}; grouping ok "
                     f"{sum(r['grouping'] == 'ok' for r in rows)}/{len(rows)}")
        print(notes[-1], flush=True)
    cut_metrics, cut_notes = cut_size_figures(boxes, [(320, 240)], CUT_SPLITS[2:])
    metrics += cut_metrics
    notes += cut_notes
    return {"title": "shots and tracks on variants of the hard test footage (issue 11)", "stages": stages,
            "metrics": metrics, "notes": notes, "config": {"size": [320, 240], "cores": cores}}


CUT_SPLITS = (("dev", variant_clips), ("held-out", lambda: variant_clips(held_out=True)),
              ("pan dissolve dev", pan_dissolve_clips), ("pan dissolve held-out", lambda: pan_dissolve_clips(True)))


def cut_size_figures(boxes, sizes: list[tuple[int, int]], splits=CUT_SPLITS) -> tuple[list, list[str]]:
    """Metrics and notes of the shot starts of ``splits`` (name, clips builder) at ``sizes`` (the shot detector
    alone)."""
    metrics, notes = [], []
    for split, build in splits:
        clips = build()
        for size in sizes:
            wrong = 0
            for clip in clips:
                footage = build_footage(dataclasses.replace(clip, size=size), boxes)
                detector = ShotDetector()
                for image in footage.frames:
                    detector.add(image, frame_summary(image)[1])
                found = detector.boundaries()
                off, extra = cut_errors(np.array([b.index for b in found]), footage.cuts)
                kinds = {b.index: b.kind for b in found}
                kind_wrong = sum(1 for t, shot in zip(footage.cuts, clip.shots[1:])
                                 if kinds.get(min(kinds, key=lambda f: abs(f - t)) if kinds else -1) != shot.transition)
                wrong += max(off, default=0) > 1 or extra > 0 or kind_wrong > 0
                label = f"{split} {clip.name} {size[0]}x{size[1]}"
                print(f"{label}: starts off {off} extra {extra} wrong kind {kind_wrong}", flush=True)
                metrics += [metric("cut error", max(off, default=0), "frames", label, "lower", 1),
                            metric("wrong transition kind", kind_wrong, "starts", label, "lower")]
            notes.append(f"{split} {size[0]}x{size[1]}: variants with a shot start error {wrong}/{len(clips)}")
            print(notes[-1], flush=True)
    return metrics, notes


def run(quick: bool) -> dict:
    """The variants at 320x240 (quick) or the fixed clips at 1920x1080 (full), analysis limited to 2 cores."""
    cores = limit_cores(2)
    cv2.setNumThreads(cores)
    analysis = AnalysisConfig(num_threads=cores)
    models = FaceMeshModels.load(config=analysis)
    boxes = photo_faces(models, analysis)
    if quick:
        return run_variants(cores, analysis, models, boxes)
    size = (1920, 1080)
    stages, metrics = [], []
    for split, clips in (("dev", dev_clips()), ("held-out", held_out_clips())):
        for clip in clips:
            found_stages, found_metrics = clip_figures(dataclasses.replace(clip, size=size), split, boxes, analysis,
                                                       models)
            stages += found_stages
            metrics += found_metrics
    descriptor = _descriptor()
    meshes = photo_meshes(models, analysis)
    for split, clips in (("turn", turn_clips() + turn_clips(held_out=True)),
                         ("profile", profile_clips() + profile_clips(held_out=True))):
        found_stages, found_metrics, rows = variant_figures(
            f"{split} {size[0]}x{size[1]}", tuple(dataclasses.replace(c, size=size) for c in clips), boxes, meshes,
            analysis, models, descriptor)
        stages += found_stages
        metrics += [m for m in found_metrics if m["name"] != "main faces under goal"]
        metrics += [metric("coverage", c, "share", f"{split} {r['variant']} {size[0]}x{size[1]} shot {k}", "higher",
                           COVERAGE_GOAL) for r in rows for k, c in enumerate(r["main coverage"])]
    low = [m for m in metrics if m["name"] == "coverage" and m["value"] < COVERAGE_GOAL]
    notes = [f"{len(low)} faces under {COVERAGE_GOAL} coverage: " + ", ".join(f"{m['variant']} {m['value']:.2f}"
                                                                           for m in low)] if low else []
    asked = os.environ.get("NED_CUT_SIZES", "1280x720,1920x1080")
    sizes = [tuple(int(v) for v in part.split("x")) for part in asked.split(",") if part]
    size_metrics, size_notes = cut_size_figures(boxes, sizes)
    metrics += size_metrics
    notes += size_notes
    return {"title": "shots and tracks on hard test footage (issue 11)", "stages": stages, "metrics": metrics,
            "notes": notes, "config": {"size": list(size), "cores": cores}}


if __name__ == "__main__":
    from benchkit.standalone import main

    main("footage", run, __doc__.splitlines()[0])
