"""Evaluate one loaded shot: every metric, the source's own recognition rate beside the result's, and outputs."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ned_core.evaluate.channels import ChannelReport, format_channels
from ned_core.evaluate.config import PAPER_CROP, PAPER_MOUTH_WINDOW, EvalConfig
from ned_core.evaluate.contact import contact_sheet
from ned_core.evaluate.emotion import EmotionClassifier
from ned_core.evaluate.feature_motion import FeatureReport, feature_report, format_features, pixel_mouth_opening
from ned_core.evaluate.identity import IdentityEmbedder, identity_distance
from ned_core.evaluate.measure import (
    ShotInputs,
    embed_faces,
    landmark_boxes,
    measure_shot,
)
from ned_core.evaluate.mouth import mouth_opening, pearson
from ned_core.evaluate.recognition import recognition_rate
from ned_core.evaluate.report import ReportFiles, format_table, write_report
from ned_core.evaluate.results import EvalResults, from_dict, to_dict
from ned_core.evaluate.shot_inputs import LoadedShot
from ned_core.exceptions import EvalResultsFormatError, MetricUndefinedError
from ned_core.io.atomic import atomic_write_bytes

IDENTITY_NOTE = ("identity not measured: pass --identity (dlib's public-domain face descriptor, "
                 "pip install ned-render-node[identity]); see README (`ned eval`).")
#: frames between the two source faces of the identity baseline (half a second at 24 fps), fewer in short shots.
IDENTITY_BASELINE_LAG = 12
#: the pixel mouth PCC is reported only where the source's lips were found in the result in at least this share of
#: the frames: on the frames where a closed-down mouth's lips are matched at all (a few), the PCC said nothing about
#: the words (the held-out speaking astronaut made angry read -0.37 while the re-analysed mesh's PCC was 0.96)
PIXEL_PCC_MIN_SHARE = 0.5
_MEASURE_IDENTITY_NOTE = "identity distance and FID not measured"


@dataclass(frozen=True)
class ShotEvaluation:
    """What `ned eval shot` measured.

    Attributes:
        results: every metric of the result (``EvalResults.1``).
        source_emotion_rate: share of source frames classified as the target emotion (None without target).
        source_emotion: ``(T, 7) float64`` the source's class probabilities, ``EMOTIONS`` order.
        source_identity_baseline: mean identity distance between the source's own faces
            :data:`IDENTITY_BASELINE_LAG` frames apart (None: no embedder, or a single frame).
        channels: requested vs achieved activation per channel (None: the result was not rendered here).
        features: requested vs achieved on the mesh and on the image per feature (lip corners, brows, mouth
            opening), in IOD (None: not measured).
        mouth_pcc_pixels: mouth-opening PCC with the result's opening measured on the pixels (the source's
            opening plus the lips' motion found in the result, :func:`~ned_core.evaluate.feature_motion.
            pixel_mouth_opening`) instead of on the re-analysed mesh (``results.summary.mouth_pcc``); None where
            undefined (a still, a mouth that never moves, fewer than 2 frames matched).
    """

    results: EvalResults
    source_emotion_rate: float | None
    source_emotion: np.ndarray
    source_identity_baseline: float | None = None
    channels: ChannelReport | None = None
    features: FeatureReport | None = None
    mouth_pcc_pixels: float | None = None


def eval_config_for(loaded: LoadedShot) -> EvalConfig:
    """Metric settings scaled to this shot's face: MAPD's window is the paper's 72/256 of the face crop."""
    height, width = loaded.inputs.source.shape[1:3]
    largest = int(min(height, width) * PAPER_CROP // PAPER_MOUTH_WINDOW)  # window must fit in the frame
    return EvalConfig(crop_size=int(np.clip(loaded.crop_side, 16, min(largest, 8192))))


def identity_baseline(inputs: ShotInputs, embedder: IdentityEmbedder, config: EvalConfig) -> float | None:
    """How far the source's face is from itself a moment later: the scale for the result's identity distance.

    Returns:
        Mean distance between source frames t and t + lag (lag = :data:`IDENTITY_BASELINE_LAG`, at most
        T - 1), in ``config.identity_metric``; None for a single frame.
    """
    if len(inputs.source) < 2:
        return None
    lag = min(IDENTITY_BASELINE_LAG, len(inputs.source) - 1)
    e = embed_faces(embedder, inputs.source, inputs.source_landmarks)
    return float(identity_distance(e[:-lag], e[lag:], config.identity_metric).mean())


def pixel_mouth_pcc(inputs: ShotInputs, notes: list[str]) -> float | None:
    """Mouth-opening PCC of the source vs the result's opening measured on the pixels (:func:`matched_pcc`)."""
    source = mouth_opening(inputs.source_landmarks)
    return matched_pcc(source, pixel_mouth_opening(inputs.source, inputs.result, inputs.source_landmarks), notes)


def matched_pcc(source: np.ndarray, result: np.ndarray, notes: list[str]) -> float | None:
    """PCC of ``source (T,)`` openings vs ``result (T,)`` (NaN where the lips were not matched) over the matched
    frames; a note says how it compares with the mesh's and in how many frames the lips were matched. None, with a
    note why, where undefined or where fewer than :data:`PIXEL_PCC_MIN_SHARE` of the frames were matched."""
    found = np.isfinite(result)
    if found.sum() < PIXEL_PCC_MIN_SHARE * len(found):
        notes.append(f"mouth PCC on the pixels not measured: the source's lips were found in the result in only "
                     f"{int(found.sum())} of {len(found)} frames (a mouth closed down or covered changes how the lips "
                     f"look); the table's PCC is the re-analysed mesh's.")
        return None
    try:
        pcc = pearson(source[found], result[found])
    except MetricUndefinedError as err:
        notes.append(f"mouth PCC on the pixels not measured: {err}.")
        return None
    left = "" if found.all() else "; the others left out: a lip left the frame or was not found again"
    notes.append(f"mouth opening PCC on the pixels (the source's lips found in the result, {int(found.sum())} of "
                 f"{len(found)} frames{left}): {pcc:.3f}; the table's is the re-analysed mesh's.")
    return pcc


def evaluate_shot(loaded: LoadedShot, classifier: EmotionClassifier, target: str | None,
                  embedder: IdentityEmbedder | None = None, config: EvalConfig | None = None,
                  requested: tuple[np.ndarray, np.ndarray] | None = None) -> ShotEvaluation:
    """Measure the shot; classify the source's faces too, so the target's recognition has a baseline.

    Args:
        loaded: from :func:`ned_core.evaluate.shot_inputs.load_shot_inputs`.
        classifier: fer's emotion classifier.
        target: the emotion asked for (one of ``EMOTIONS``), or None (self-translation).
        embedder: identity embedder; None reports identity as not measured (never a made-up figure).
            Given, the source's own variation (:func:`identity_baseline`) is measured too (embeds the
            source a second time).
        config: metric settings; default :func:`eval_config_for`.
        requested: the face model's meshes of the source's fit and of the directed fit, ``(T, 468, 3)`` each
            (:func:`~ned_core.evaluate.channels.requested_meshes`): the features' requested column; None leaves it
            blank (the result was not rendered here).
    """
    inputs = loaded.inputs
    config = config or eval_config_for(loaded)
    results = measure_shot(inputs, config, classifier, target, embedder)
    probs = classifier.classify_faces(inputs.source, inputs.source_landmarks)
    source_rate = recognition_rate(probs, target) if target is not None else None
    notes = [n for n in results.notes if not n.startswith(_MEASURE_IDENTITY_NOTE)]
    baseline = None
    if embedder is None:
        notes.append(IDENTITY_NOTE)
    else:
        baseline = identity_baseline(inputs, embedder, config)
        notes.insert(0, _identity_note(results.summary.identity_distance, baseline, config, len(inputs.source)))
    if source_rate is not None:
        notes.insert(0, f"emotion recognised as {target}: source {100 * source_rate:.0f}% of frames, "
                        f"result {100 * results.summary.emotion_rate:.0f}%.")
    pixel_pcc = pixel_mouth_pcc(inputs, notes)
    features = feature_report(inputs.source, inputs.result, inputs.source_landmarks, inputs.result_landmarks,
                              requested)
    results = replace(results, notes=(*loaded.notes, *notes))
    return ShotEvaluation(results, source_rate, probs, baseline, features=features, mouth_pcc_pixels=pixel_pcc)


def _identity_note(distance: float, baseline: float | None, config: EvalConfig, frames: int) -> str:
    head = f"identity distance ({config.identity_metric}) source vs result {distance:.4f}"
    if baseline is None:
        return f"{head}; no source-vs-source baseline in a single frame."
    lag = min(IDENTITY_BASELINE_LAG, frames - 1)
    return f"{head}; the source vs itself {lag} frames later {baseline:.4f} (same actor's own variation)."


def to_json(evaluation: ShotEvaluation) -> str:
    """An ``EvalResults.1`` document (readable by ``results.from_json``) plus ``source_emotion_rate``,
    ``source_emotion`` (per-frame source probabilities), ``source_identity_baseline``, ``mouth_pcc_pixels`` and,
    when measured, ``channels`` (``{channel: {source, requested, moved, achieved}}``) and ``features``
    (``{"corner up": {requested, mesh, image}, ...}``, IOD, null where not measured)."""
    doc = to_dict(evaluation.results)
    doc["source_emotion_rate"] = evaluation.source_emotion_rate
    doc["source_emotion"] = evaluation.source_emotion.tolist()
    doc["source_identity_baseline"] = evaluation.source_identity_baseline
    doc["mouth_pcc_pixels"] = evaluation.mouth_pcc_pixels
    if evaluation.channels is not None:
        doc["channels"] = evaluation.channels.as_dict()
    if evaluation.features is not None:
        doc["features"] = evaluation.features.as_dict()
    return json.dumps(doc, indent=1, allow_nan=False)


def from_json(text: str) -> ShotEvaluation:
    """Parse :func:`to_json` output.

    Raises:
        EvalResultsFormatError: not JSON, not ``EvalResults.1``, or without the source fields.
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise EvalResultsFormatError(f"shot evaluation is not JSON: {err}") from None
    results = from_dict(doc)
    if "source_emotion" not in doc or "source_emotion_rate" not in doc:
        raise EvalResultsFormatError("shot evaluation lacks source_emotion / source_emotion_rate")
    rate, baseline = doc["source_emotion_rate"], doc.get("source_identity_baseline")  # baseline: optional
    channels = None
    if doc.get("channels"):
        table = doc["channels"]
        names = tuple(table)
        channels = ChannelReport(names, *(np.array([table[n][f] for n in names], dtype=np.float64)
                                          for f in ChannelReport.FIELDS))
    features = None
    if doc.get("features"):
        table = doc["features"]
        features = FeatureReport(tuple((f, a) for f, a in (name.rsplit(" ", 1) for name in table)),
                                 *(np.array([np.nan if row[f] is None else row[f] for row in table.values()])
                                   for f in FeatureReport.FIELDS))
    pixel_pcc = doc.get("mouth_pcc_pixels")
    return ShotEvaluation(results, None if rate is None else float(rate),
                          np.asarray(doc["source_emotion"], dtype=np.float64),
                          None if baseline is None else float(baseline), channels, features,
                          None if pixel_pcc is None else float(pixel_pcc))


def write_shot_report(evaluation: ShotEvaluation, loaded: LoadedShot, out_dir: Path | str) -> ReportFiles:
    """``eval.txt``, ``eval.json`` (:func:`to_json`), ``eval.html`` and the PNG plots + contact sheet."""
    inputs = loaded.inputs
    sheet = contact_sheet(inputs.source, inputs.result, landmark_boxes(inputs.source_landmarks), inputs.frames)
    files = write_report(evaluation.results, out_dir, sheet)
    atomic_write_bytes(files.json, to_json(evaluation).encode("utf-8"))
    atomic_write_bytes(files.table, format_shot_tables(evaluation).encode("utf-8"))
    return files


def format_shot_tables(evaluation: ShotEvaluation) -> str:
    """The metric table, then the channels' and the features' requested vs achieved tables where measured."""
    out = format_table(evaluation.results)
    if evaluation.channels is not None:
        out += ("\nexpression channels, mean over the frames (moved: optical flow source->result; "
                "achieved: result re-analysed by MediaPipe):\n" + format_channels(evaluation.channels) + "\n")
    if evaluation.features is not None:
        out += ("\nfeatures, median over the frames, IOD (requested: the direction; mesh: the result re-analysed by "
                "MediaPipe; image: the source's patches found in the result):\n"
                + format_features(evaluation.features) + "\n")
    return out
