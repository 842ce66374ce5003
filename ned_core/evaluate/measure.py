"""Measure one shot: every metric from the source, the result, their masks and landmarks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ned_core.evaluate import flicker, identity, mouth, pixels
from ned_core.evaluate.config import EvalConfig
from ned_core.evaluate.emotion import EmotionClassifier
from ned_core.evaluate.identity import IdentityEmbedder
from ned_core.evaluate.recognition import recognition_rate
from ned_core.evaluate.results import EvalResults, FrameSeries, Summary
from ned_core.exceptions import MetricUndefinedError, ShapeError, UnknownEmotionError
from ned_core.face3d.channels import EMOTIONS
from ned_core.guards import check_frames, check_masks, check_same_shape


@dataclass(frozen=True)
class ShotInputs:
    """One shot's source and result, pixel-aligned, with what analysis found in each.

    Attributes:
        source, result: ``(T, H, W, 3) uint8`` sRGB frames (the result as composited over the plate).
        masks: ``(T, H, W)`` the source's face masks, bool or 0..1.
        source_landmarks, result_landmarks: ``(T, N >= 468, 2|3)`` Face Mesh points, image pixels.
        frames: ``(T,)`` frame numbers.
        name: the shot's name for the report.
    """

    source: np.ndarray
    result: np.ndarray
    masks: np.ndarray
    source_landmarks: np.ndarray
    result_landmarks: np.ndarray
    frames: np.ndarray
    name: str


def landmark_boxes(landmarks: np.ndarray) -> np.ndarray:
    """``(T, 4) float64`` x0, y0, x1, y1 bounds of the 468 mesh points (``FaceObservation.box``)."""
    pts = np.asarray(landmarks)[:, : mouth.MESH_POINTS, :2].astype(np.float64)
    return np.concatenate([pts.min(axis=1), pts.max(axis=1)], axis=1)


def _check_inputs(inputs: ShotInputs) -> None:
    source = check_frames("source", inputs.source)
    check_same_shape("source", source, "result", check_frames("result", inputs.result))
    check_masks("masks", inputs.masks, source.shape)
    t = len(source)
    for name in ("source_landmarks", "result_landmarks"):
        lms = np.asarray(getattr(inputs, name))
        if lms.ndim != 3 or lms.shape[0] != t:
            raise ShapeError(name, f"(T={t}, N, 2|3)", f"shape {lms.shape}")
    if np.shape(inputs.frames) != (t,):
        raise ShapeError("frames", f"({t},) frame numbers", f"shape {np.shape(inputs.frames)}")


def _speech(inputs: ShotInputs, config: EvalConfig, notes: list[str]):
    """Mouth openings, speech frames, lip error per frame (NaN off speech) and mouth PCC."""
    src_open = mouth.mouth_opening(inputs.source_landmarks)
    res_open = mouth.mouth_opening(inputs.result_landmarks)
    speech = mouth.speech_frames(src_open, config.speech_open, config.speech_motion)
    lip = np.full(len(src_open), np.nan)
    if speech.any():
        lip[speech] = mouth.lip_landmark_error(inputs.source_landmarks[speech], inputs.result_landmarks[speech])
    else:
        notes.append("lip-landmark error not measured: the source mouth never opens or moves (no speech frames).")
    pcc = None
    try:
        pcc = mouth.pearson(src_open, res_open)
    except MetricUndefinedError as err:
        notes.append(f"mouth PCC not measured: {err}.")
    return src_open, res_open, speech, lip, pcc


def _flicker(inputs: ShotInputs, notes: list[str]):
    """Per-transition flicker of source and result, and their ratio."""
    if len(inputs.source) < 2:
        notes.append("flicker ratio not measured: a single frame has no frame-to-frame change.")
        return np.zeros(0), np.zeros(0), None
    src = flicker.face_flicker(inputs.source, inputs.masks)
    res = flicker.face_flicker(inputs.result, inputs.masks)
    ratio = None
    try:
        ratio = flicker.flicker_ratio(src, res)
    except MetricUndefinedError as err:
        notes.append(f"flicker ratio not measured: {err}.")
    return src, res, ratio


def _emotion(inputs: ShotInputs, classifier: EmotionClassifier | None, target: str | None, notes: list[str]):
    """Per-frame probabilities of the result's face and the recognition rate of ``target``."""
    probs = classifier.classify_faces(inputs.result, inputs.result_landmarks) if classifier else None
    rate = recognition_rate(probs, target) if probs is not None and target is not None else None
    if rate is None:
        notes.append("emotion recognition rate not measured: needs a classifier and a target emotion.")
    return probs, rate


def embed_faces(embedder: IdentityEmbedder, frames: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Identity vectors of one face per frame.

    Args:
        embedder: the identity embedder.
        frames: ``(T, H, W, 3) uint8`` sRGB.
        landmarks: ``(T, N >= 468, 2|3)`` the face's Face Mesh points, image pixels.

    Returns:
        ``(T, D) float64``.
    """
    return np.stack([np.asarray(embedder.embed(f, b, landmarks=lms), dtype=np.float64)
                     for f, b, lms in zip(frames, landmark_boxes(landmarks), landmarks)])


def _identity(inputs: ShotInputs, embedder: IdentityEmbedder | None, config: EvalConfig, notes: list[str]):
    """Per-frame identity distance of source and result faces, and their FID."""
    if embedder is None:
        notes.append("identity distance and FID not measured: no identity embedder is available.")
        return None, None
    embed = [embed_faces(embedder, frames, lms)
             for frames, lms in ((inputs.source, inputs.source_landmarks), (inputs.result, inputs.result_landmarks))]
    distance = identity.identity_distance(embed[0], embed[1], config.identity_metric)
    fid = None
    try:
        fid = identity.frechet_distance(embed[0], embed[1])
    except MetricUndefinedError as err:
        notes.append(f"FID not measured: {err}.")
    return distance, fid


def measure_shot(
    inputs: ShotInputs,
    config: EvalConfig,
    classifier: EmotionClassifier | None = None,
    target_emotion: str | None = None,
    embedder: IdentityEmbedder | None = None,
) -> EvalResults:
    """Every metric of one shot.

    Metrics that are undefined for this shot (a still mouth, a frozen face, no speech frames) are
    left as None in the summary with the reason in ``notes``; bad inputs still raise.

    Args:
        inputs: the shot.
        config: metric settings (MAPD window, speech thresholds, identity metric).
        classifier: when given, the result's faces are classified in every frame.
        target_emotion: the emotion asked for; with a classifier, gives the recognition rate.
        embedder: when given, identity distance and FID between source and result faces.

    Returns:
        The shot's :class:`EvalResults`.
    """
    _check_inputs(inputs)
    if target_emotion is not None and target_emotion not in EMOTIONS:
        raise UnknownEmotionError(f"target emotion: expected one of {', '.join(EMOTIONS)}, got {target_emotion!r}")
    notes: list[str] = []
    src_open, res_open, speech, lip, pcc = _speech(inputs, config, notes)
    flick_src, flick_res, ratio = _flicker(inputs, notes)
    probs, rate = _emotion(inputs, classifier, target_emotion, notes)
    ident, fid = _identity(inputs, embedder, config, notes)
    centres = mouth.mouth_centre(inputs.source_landmarks)
    series = FrameSeries(
        frames=np.asarray(inputs.frames, dtype=np.int64),
        fapd=pixels.fapd_per_frame(inputs.source, inputs.result, inputs.masks),
        apd=pixels.apd_per_frame(inputs.source, inputs.result),
        mapd=pixels.mapd_per_frame(inputs.source, inputs.result, centres, config.mouth_window),
        mouth_source=src_open,
        mouth_result=res_open,
        speech=speech,
        lip_error=lip,
        flicker_source=flick_src,
        flicker_result=flick_res,
        emotion=probs,
        identity=ident,
    )
    summary = Summary(
        fapd=float(series.fapd.mean()),
        apd=float(series.apd.mean()),
        mapd=float(series.mapd.mean()),
        mouth_pcc=pcc,
        lip_error=float(np.nanmean(lip)) if speech.any() else None,
        speech_frames=int(speech.sum()),
        flicker_ratio=ratio,
        emotion_rate=rate,
        identity_distance=None if ident is None else float(ident.mean()),
        fid=fid,
    )
    return EvalResults(
        shot=inputs.name,
        target_emotion=target_emotion,
        summary=summary,
        series=series,
        mapd_window=config.mouth_window,
        identity_embedder=getattr(embedder, "name", None),
        notes=tuple(notes),
    )
