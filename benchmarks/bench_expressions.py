"""Do the seven emotions read? Every face clip the tests can build, rendered with every emotion, judged independently.

Clips (real photos that installed packages ship, and synthetic speaking actors made from them), some
graded dark and warm the way real footage is, split into a *tuning* set and a *held-out* set that is
never looked at while choosing amplitudes (report both; trust the held-out figures):

* tuning:   astronaut still (broad smile, teeth), Grace Hopper still, Grace Hopper speaking
            (seed 0, warm/dark grade), astronaut speaking (seed 0), astronaut speaking in close-up
            (face filling a 480x270 frame, forehead and chin cut, push-in and pan, warm and dim).
* held-out: astronaut still graded dark and cool, Grace Hopper speaking (seed 7, dark grade),
            astronaut speaking (seed 5, warm grade), Grace Hopper speaking in close-up (seed 3, dimmer,
            tighter, the other pan).

Per clip and emotion (``ned render`` then the same measurement as ``ned eval shot``: the result is
re-analysed with MediaPipe and classified with fer's 7-class model, nothing from the director):

* recognised: share of frames fer calls the target, source -> result (percent).
* PCC: mouth-opening correlation of result vs source (speaking clips; stills have no time course), the result
  re-analysed by MediaPipe (the judge: the goal's verdict); PCCpx: the same with the result's opening measured on the
  pixels (``ned_core.evaluate.feature_motion.pixel_mouth_opening``: a mouth cut by a close-up's edge still counts;
  '-' where the source's lips were found in the result in under half the frames, ``shot_eval.PIXEL_PCC_MIN_SHARE``).
* outside: mean absolute change (0-255) of the pixels outside the source's face oval.
* still: largest drift of eye corners and nose bridge (re-analysed), percent of the IOD.
* flicker: the result's face flicker over the source's (1 = as stable as the source).
* p(target), p(src emo): fer's mean probability of the target, and of the emotion the source reads as,
  source > result (a smiling actor made sad: how far p(happy) falls, even where the target is not reached).
* corner up/out, brow in up/out, brow mid up: how far the lip corners, inner brow heads and mid brows moved, IOD
  along the face's axes (up, away from the midline), medians over frames and sides, measured on the pixels
  (``ned_core.evaluate.feature_motion``, as ``ned eval shot`` reports them: the face mesh re-reads brow edits at a
  few percent of their size).
* texture: fine-detail energy inside the face, result over source (1 = as detailed, < 1 = smoothed); teeth edges
  dominate it, so a mouth closed over teeth lowers it.
* skin: the same over skin patches alone (forehead, cheeks, chin, clear of eyes, brows and lips of source and result):
  < 1 = the skin was smoothed (e.g. freckles flattened), > 1 = detail added (drawn brow lines).

``--baseline gauss [--amp A]`` judges, instead of the product, the reference of issue 12: a per-frame Gaussian warp
of the lip corners and brows at ``A`` times its amplitudes (``benchkit.gauss_warp``), on the same clips, the same way.

``--sheets DIR`` (or ``NED_SHEETS``) also writes, per clip, a PNG contact sheet: one row per emotion,
source | result | difference (x4), of the clip's middle frame.

Usage: ``python benchmarks/bench_expressions.py [--quick] [--json PATH]``.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from benchkit.closeup import CloseUp, film
from benchkit.gauss_warp import render_gauss
from benchkit.records import metric
from benchkit.texture import skin_texture_ratio, texture_ratio
from ned_core.analysis import FaceMeshModels
from ned_core.analysis.regions import FACE_OVAL, interocular_distance
from ned_core.evaluate.emotion import EmotionClassifier
from ned_core.evaluate.feature_motion import feature_matches
from ned_core.evaluate.measure import landmark_boxes
from ned_core.evaluate.shot_eval import evaluate_shot
from ned_core.evaluate.shot_inputs import load_shot_inputs
from ned_core.face3d import EmbeddedFaceModel
from ned_core.face3d.channels import EMOTIONS
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest
from ned_core.synthetic import SyntheticActorConfig, make_synthetic_actor, sample_photo, write_png_sequence

STILL_POINTS = (33, 133, 362, 263, 168, 6)  # eye corners (both eyes), nose bridge (MediaPipe indices)
GOAL_READ, GOAL_LIFT, GOAL_PCC, GOAL_OUTSIDE = 0.60, 0.30, 0.9, 2.5
STRONG = ("happy", "sad", "surprised", "angry")  # emotions with the 60 % / +30 points goal


@dataclass(frozen=True)
class Clip:
    """One face clip: photo, speaking or still, seed, grade (gain, per-channel tint), tuning or held out, and for a
    close-up the camera framing it (:mod:`benchkit.closeup`, speaking clips only)."""

    name: str
    photo: str
    frames: int  # 1 = the photo as a still
    seed: int
    gain: float
    tint: tuple[float, float, float]
    held_out: bool
    closeup: CloseUp | None = None


CLIPS = (
    Clip("astronaut still", "astronaut", 1, 0, 1.0, (1.0, 1.0, 1.0), False),
    Clip("hopper still", "grace_hopper", 1, 0, 1.0, (1.0, 1.0, 1.0), False),
    Clip("hopper speaking warm-dark", "grace_hopper", 24, 0, 0.45, (1.15, 1.0, 0.75), False),
    Clip("astronaut speaking", "astronaut", 24, 0, 1.0, (1.0, 1.0, 1.0), False),
    Clip("HELD astronaut still dark-cool", "astronaut", 1, 0, 0.4, (0.85, 1.0, 1.2), True),
    Clip("HELD hopper speaking dark", "grace_hopper", 24, 7, 0.35, (1.05, 1.0, 0.9), True),
    Clip("HELD astronaut speaking warm", "astronaut", 24, 5, 0.7, (1.2, 1.0, 0.8), True),
    Clip("closeup astronaut warm-dim", "astronaut", 24, 0, 0.45, (1.2, 1.0, 0.75), False, CloseUp()),
    Clip("HELD closeup hopper dim", "grace_hopper", 24, 3, 0.35, (1.1, 1.0, 0.85), True,
         CloseUp(iod_share=0.30, eye_line=0.27, push_in=0.06, pan=(-0.2, 0.0), sway=0.08)),
)
QUICK_CLIPS = ("astronaut still", "hopper speaking warm-dark", "HELD hopper speaking dark")


def grade(frames: np.ndarray, gain: float, tint: tuple[float, float, float]) -> np.ndarray:
    """Dim and tint ``(T, H, W, 3) uint8`` sRGB frames in linear light (as a dark, warm-lit plate looks)."""
    linear = (frames.astype(np.float32) / 255.0) ** 2.2 * gain * np.asarray(tint, np.float32)
    return np.clip(255.0 * np.clip(linear, 0.0, 1.0) ** (1 / 2.2) + 0.5, 0, 255).astype(np.uint8)


def clip_frames(clip: Clip, models: FaceMeshModels, model: EmbeddedFaceModel) -> np.ndarray:
    photo = sample_photo(clip.photo)
    if clip.frames == 1:
        frames = photo[None]
    else:
        actor = make_synthetic_actor(photo, SyntheticActorConfig(num_frames=clip.frames, seed=clip.seed), models, model)
        frames = actor.frames if clip.closeup is None else film(actor.frames, actor.landmarks, clip.closeup)[0]
    return grade(frames, clip.gain, clip.tint)


def outside_change(source: np.ndarray, result: np.ndarray, landmarks: np.ndarray) -> float:
    """Mean absolute change (0-255) of the pixels outside each frame's face oval (source landmarks)."""
    total, count = 0.0, 0
    for src, res, lm in zip(source, result, landmarks):
        mask = np.zeros(src.shape[:2], np.uint8)
        cv2.fillConvexPoly(mask, np.round(lm[list(FACE_OVAL), :2]).astype(np.int32), 1)
        outside = mask == 0
        total += float(np.abs(res.astype(np.float32) - src.astype(np.float32))[outside].sum())
        count += int(outside.sum()) * 3
    return total / max(count, 1)


def still_drift(source_lms: np.ndarray, result_lms: np.ndarray) -> float:
    """Largest median drift of the eye corners and nose bridge, percent of the IOD."""
    iod = np.array([interocular_distance(lm[:, :2]) for lm in source_lms])
    drift = np.linalg.norm(result_lms[:, STILL_POINTS, :2] - source_lms[:, STILL_POINTS, :2], axis=2) / iod[:, None]
    return float(100.0 * np.median(drift, axis=0).max())


def _mode(probabilities: np.ndarray) -> str:
    """The emotion most frames of ``(T, 7)`` probabilities are classified as."""
    return EMOTIONS[int(np.bincount(np.argmax(probabilities, axis=1), minlength=len(EMOTIONS)).argmax())]


def sheet_row(source: np.ndarray, result: np.ndarray, box: np.ndarray, label: str, size: int = 200) -> np.ndarray:
    """One ``(size, 3 * size, 3) uint8`` row: source | result | |difference| x 4, face crop, labelled."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    half = 0.65 * max(box[2] - box[0], box[3] - box[1])
    s = size / (2 * half)
    m = np.array([[s, 0, size / 2 - s * cx], [0, s, size / 2 - s * cy]])
    crops = [cv2.warpAffine(im, m, (size, size), flags=cv2.INTER_AREA) for im in (source, result)]
    diff = np.clip(4 * np.abs(crops[1].astype(np.int16) - crops[0].astype(np.int16)), 0, 255).astype(np.uint8)
    row = np.concatenate([crops[0], crops[1], diff], axis=1)
    cv2.putText(row, label, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 0), 1, cv2.LINE_AA)
    return row


def run_clip(clip: Clip, emotions: tuple[str, ...], workdir: Path, config: NedConfig, models: FaceMeshModels,
             classifier: EmotionClassifier, sheets: Path | None, spec_suffix: str = "",
             gauss: float | None = None) -> list[dict]:
    """Rows of one clip: the product's render, or with ``gauss`` the Gaussian baseline at that amplitude."""
    model = EmbeddedFaceModel.from_mean_face(config.fit)
    frames = clip_frames(clip, models, model)
    folder = workdir / clip.name.replace(" ", "_")
    folder.mkdir(parents=True)
    write_png_sequence(frames, folder, "src", 1)
    source = str(folder / ("src.0001.png" if clip.frames == 1 else "src.####.png"))
    rows, picture = [], []
    for emotion in emotions:
        out = folder / emotion
        if gauss is None:
            render_shot(RenderRequest(source=source, out_dir=str(out), emotion=emotion + spec_suffix), config,
                        models=models)
        else:
            render_gauss(source, out, emotion, gauss, config, models)
        loaded = load_shot_inputs(source, out, "plates" if gauss is None else "composites", config, models)
        ev = evaluate_shot(loaded, classifier, None if emotion == "neutral" else emotion)
        inputs, summary = loaded.inputs, ev.results.summary
        matches = feature_matches(inputs.source, inputs.result, inputs.source_landmarks)
        rows.append({
            "motion": {name: (m.up, m.out) for name, m in matches.items()},
            "unmatched": {name: m.reason for name, m in matches.items() if m.reason is not None}, "texture": texture_ratio(inputs.source, inputs.result, inputs.masks),
            "skin": skin_texture_ratio(inputs.source, inputs.result, inputs.source_landmarks, inputs.result_landmarks),
            "clip": clip.name, "emotion": emotion, "held_out": clip.held_out, "frames": len(inputs.source),
            "source": ev.source_emotion_rate, "result": summary.emotion_rate if emotion != "neutral" else None,
            "pcc": summary.mouth_pcc, "pcc_pixels": ev.mouth_pcc_pixels, "flicker": summary.flicker_ratio,
            "outside": outside_change(inputs.source, inputs.result, inputs.source_landmarks),
            "still": still_drift(inputs.source_landmarks, inputs.result_landmarks),
            "reads_as": _mode(ev.results.series.emotion) if ev.results.series.emotion is not None else "-",
            "source_reads_as": _mode(ev.source_emotion),
            "p_source": float(ev.source_emotion[:, EMOTIONS.index(emotion)].mean()),
            "p_result": float(ev.results.series.emotion[:, EMOTIONS.index(emotion)].mean())
            if ev.results.series.emotion is not None else float("nan"),
            # how much of the source's own reading the edit takes away (a smile made sad: p(happy) falls)
            "p_own_source": float(ev.source_emotion[:, EMOTIONS.index(_mode(ev.source_emotion))].mean()),
            "p_own_result": float(ev.results.series.emotion[:, EMOTIONS.index(_mode(ev.source_emotion))].mean())
            if ev.results.series.emotion is not None else float("nan"),
        })
        mid = len(inputs.source) // 2
        box = landmark_boxes(inputs.source_landmarks[mid : mid + 1])[0]
        label = f"{emotion}{spec_suffix}" if gauss is None else f"{emotion} gauss x{gauss:g}"
        picture.append(sheet_row(inputs.source[mid], inputs.result[mid], box, label))
    if sheets is not None:
        sheets.mkdir(parents=True, exist_ok=True)
        name = clip.name.replace(" ", "_") + (spec_suffix.replace(":", "_") or "") + (
            "" if gauss is None else f"_gauss{gauss:g}")
        cv2.imwrite(str(sheets / f"{name}.png"), cv2.cvtColor(np.concatenate(picture), cv2.COLOR_RGB2BGR))
    return rows


def _pct(value: float | None) -> str:
    return "  -" if value is None or not np.isfinite(value) else f"{100 * value:3.0f}"


def _iod(row: dict, feature: str, parts: int = 2) -> str:
    """A feature's measured motion, IOD: ``up/out`` (``parts`` = 1: up only); "unmatched*" where no patch was
    matched (the reason is a note below the table)."""
    if feature in row["unmatched"]:
        return "unmatched*"
    up, out = row["motion"][feature]
    return f"{up:+.3f}/{out:+.3f}" if parts == 2 else f"{up:+.3f}"


def table(rows: list[dict]) -> list[str]:
    """Printable lines: one per clip and emotion, with the goals' verdicts."""
    lines = [f"{'clip':32s} {'emotion':10s} {'src%':>4s} {'res%':>4s}  {'PCC':>5s} {'PCCpx':>5s} {'outside':>7s} "
             f"{'still%IOD':>9s} {'flicker':>7s}  {'reads as (src->res)':22s} {'p(target)':9s} {'p(src emo)':10s} "
             f"{'corner up/out':13s} {'brow in up/out':14s} {'brow mid up':11s} texture    skin verdict"]
    for r in rows:
        verdict = []
        if r["result"] is not None and r["emotion"] in STRONG:
            ok = r["result"] >= GOAL_READ and r["result"] - r["source"] >= GOAL_LIFT
            verdict.append("reads" if ok else "MISSES")
        if r["pcc"] is not None and np.isfinite(r["pcc"]):
            verdict.append("pcc ok" if r["pcc"] >= GOAL_PCC else "PCC LOW")
        verdict.append("outside ok" if r["outside"] <= GOAL_OUTSIDE else "OUTSIDE HIGH")
        pcc, pcc_px = ("    -" if r[k] is None or not np.isfinite(r[k]) else f"{r[k]:5.2f}"
                       for k in ("pcc", "pcc_pixels"))
        flick = "      -" if r["flicker"] is None or not np.isfinite(r["flicker"]) else f"{r['flicker']:7.2f}"
        reads = f"{r['source_reads_as']}->{r['reads_as']}"
        lines.append(f"{r['clip']:32s} {r['emotion']:10s} {_pct(r['source']):>4s} {_pct(r['result']):>4s}  {pcc} "
                     f"{pcc_px} "
                     f"{r['outside']:7.2f} {r['still']:9.2f} {flick}  {reads:22s} "
                     f"{r['p_source']:.2f}>{r['p_result']:.2f} {r['p_own_source']:.2f}>{r['p_own_result']:.2f}  "
                     f"{_iod(r, 'corner'):13s} {_iod(r, 'brow_in'):14s} {_iod(r, 'brow_mid', 1):11s} {r['texture']:7.2f} {r['skin']:7.2f} "
                     f"{', '.join(verdict)}")
    lines += [f"* {r['clip']} {r['emotion']} {feature}: {reason}" for r in rows
              for feature, reason in r["unmatched"].items()]
    return lines


def run(quick: bool) -> dict:
    """The benchmark runner's entry point: every clip (``quick``: the quick set), sheets where $NED_SHEETS says."""
    return run_table(quick)


def run_table(quick: bool, sheets: Path | None = None, spec_suffix: str = "", only: str = "",
              exact: bool = False, emotions: tuple[str, ...] = EMOTIONS, gauss: float | None = None) -> dict:
    """Every (quick) clip and emotion: the product, or with ``gauss`` the Gaussian baseline at that amplitude."""
    sheets = sheets or (Path(os.environ["NED_SHEETS"]) if os.environ.get("NED_SHEETS") else None)
    models = FaceMeshModels.load()
    classifier = EmotionClassifier.load()
    clips = [c for c in CLIPS if (not quick or c.name in QUICK_CLIPS) and (only == c.name if exact else only in c.name)]
    if not clips or not set(emotions) <= set(EMOTIONS):
        raise ValueError(f"no clip named {only!r} or unknown emotion in {emotions}; clips: {[c.name for c in CLIPS]}, "
                         f"emotions: {EMOTIONS}")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="ned-bench-expr-") as tmp:
        config = replace(NedConfig(), cache_dir=Path(tmp) / "cache")
        for clip in clips:
            rows += run_clip(clip, emotions, Path(tmp), config, models, classifier, sheets, spec_suffix, gauss)
    metrics = []
    for held in (False, True):
        part = [r for r in rows if r["held_out"] == held and r["emotion"] in STRONG]
        label = "held-out" if held else "tuning"
        if part:
            met = np.mean([r["result"] >= GOAL_READ and r["result"] - r["source"] >= GOAL_LIFT for r in part])
            metrics.append(metric("happy/sad/surprised/angry meeting the read goal", 100 * met, "%", label))
            pccs = [r["pcc"] for r in rows if r["held_out"] == held and r["pcc"] is not None
                    and np.isfinite(r["pcc"])]
            if pccs:
                metrics.append(metric("lowest mouth PCC", min(pccs), "", label))
    return {"title": "expressions that read", "config": {"clips": [c.name for c in clips], "spec": spec_suffix,
                                                          "baseline": None if gauss is None else f"gauss x{gauss:g}"},
            "stages": [], "metrics": metrics, "notes": table(rows), "rows": rows}


if __name__ == "__main__":
    import sys

    if "--table" in sys.argv:  # plain table (and sheets) without the benchmark runner's JSON
        args = sys.argv[1:]
        out = Path(args[args.index("--sheets") + 1]) if "--sheets" in args else None
        suffix = args[args.index("--suffix") + 1] if "--suffix" in args else ""
        only = args[args.index("--clip") + 1] if "--clip" in args else ""  # clips whose name contains it
        emotions = tuple(args[args.index("--emotions") + 1].split(",")) if "--emotions" in args else EMOTIONS
        # --baseline gauss [--amp A]: the per-frame Gaussian warp of corners and brows instead of the product
        gauss = (float(args[args.index("--amp") + 1]) if "--amp" in args else 1.0) if "--baseline" in args else None
        if gauss is not None and args[args.index("--baseline") + 1] != "gauss":
            raise SystemExit(f"--baseline {args[args.index('--baseline') + 1]}: the only baseline is 'gauss'")
        print("\n".join(run_table("--quick" in args, out, suffix, only, "--exact" in args, emotions, gauss)["notes"]))
    else:
        from benchkit.standalone import main

        main("expressions", run, __doc__.splitlines()[0])
