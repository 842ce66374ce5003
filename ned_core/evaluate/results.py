"""What one evaluation produced: per-frame series and shot summary, and their JSON form (``EvalResults.1``)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields

import numpy as np

from ned_core.exceptions import EvalResultsFormatError
from ned_core.face3d.channels import EMOTIONS

SCHEMA = "EvalResults.1"


@dataclass(frozen=True)
class FrameSeries:
    """Per-frame measurements of one shot (T frames).

    Attributes:
        frames: ``(T,) int64`` frame numbers.
        fapd, apd, mapd: ``(T,) float64`` pixel distances, 0..255 scale.
        mouth_source, mouth_result: ``(T,) float64`` mouth opening, inter-ocular units.
        speech: ``(T,) bool`` speech frames (source mouth open or moving).
        lip_error: ``(T,) float64`` lip-landmark error, inter-ocular units; NaN off speech frames.
        flicker_source, flicker_result: ``(T-1,) float64`` face flicker per transition.
        emotion: ``(T, 7) float64`` classifier probabilities of the result, ``EMOTIONS`` order, or None
            when no classifier was run.
        identity: ``(T,) float64`` identity distance, or None when no embedder was given.
    """

    frames: np.ndarray
    fapd: np.ndarray
    apd: np.ndarray
    mapd: np.ndarray
    mouth_source: np.ndarray
    mouth_result: np.ndarray
    speech: np.ndarray
    lip_error: np.ndarray
    flicker_source: np.ndarray
    flicker_result: np.ndarray
    emotion: np.ndarray | None = None
    identity: np.ndarray | None = None


@dataclass(frozen=True)
class Summary:
    """One number per metric for the shot. None: not measured (the reason is in ``EvalResults.notes``).

    Attributes:
        fapd, apd, mapd: mean over frames, 0..255 scale (lower is better).
        mouth_pcc: Pearson correlation of source and result mouth opening (1 is best).
        lip_error: mean lip-landmark error over speech frames, inter-ocular units.
        speech_frames: number of speech frames.
        flicker_ratio: result's face flicker over the source's (1 = as stable as the source).
        emotion_rate: share of frames classified as the target emotion.
        identity_distance: mean identity distance.
        fid: Fréchet distance of source and result identity embeddings.
    """

    fapd: float
    apd: float
    mapd: float
    mouth_pcc: float | None
    lip_error: float | None
    speech_frames: int
    flicker_ratio: float | None
    emotion_rate: float | None = None
    identity_distance: float | None = None
    fid: float | None = None


@dataclass(frozen=True)
class EvalResults:
    """Everything ``ned eval`` measured on one shot.

    Attributes:
        shot: the shot's name (source path or id).
        target_emotion: the emotion asked for (one of ``EMOTIONS``), or None for self-translation.
        summary: per-shot numbers.
        series: per-frame numbers.
        mapd_window: MAPD window side used, pixels.
        identity_embedder: name of the identity embedder, or None.
        notes: why a metric is missing, and other caveats, one sentence each.
    """

    shot: str
    target_emotion: str | None
    summary: Summary
    series: FrameSeries
    mapd_window: int
    identity_embedder: str | None = None
    notes: tuple[str, ...] = ()


_INT_SERIES = {"frames": np.int64, "speech": bool}


def _number(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _json_array(a: np.ndarray | None) -> list | None:
    """Nested lists; non-finite floats become None (JSON null)."""
    if a is None:
        return None
    if a.dtype == bool or np.issubdtype(a.dtype, np.integer):
        return a.tolist()
    obj = a.astype(object)
    obj[~np.isfinite(a)] = None
    return obj.tolist()


def to_dict(results: EvalResults) -> dict:
    """A JSON-ready dict (NaN and infinities written as null)."""
    summary = {f.name: getattr(results.summary, f.name) for f in fields(Summary)}
    return {
        "schema": SCHEMA,
        "shot": results.shot,
        "target_emotion": results.target_emotion,
        "mapd_window": results.mapd_window,
        "identity_embedder": results.identity_embedder,
        "notes": list(results.notes),
        "emotions": list(EMOTIONS),
        "summary": {k: v if isinstance(v, int) else _number(v) for k, v in summary.items()},
        "series": {f.name: _json_array(getattr(results.series, f.name)) for f in fields(FrameSeries)},
    }


def _series_from(doc: dict) -> FrameSeries:
    values = {}
    for f in fields(FrameSeries):
        raw = doc.get(f.name)
        if raw is None:
            values[f.name] = None
            continue
        dtype = _INT_SERIES.get(f.name, np.float64)
        values[f.name] = np.array(raw if dtype is not np.float64 else _nan_for_none(raw), dtype=dtype)
    return FrameSeries(**values)


def _nan_for_none(v):
    if isinstance(v, list):
        return [_nan_for_none(x) for x in v]
    return math.nan if v is None else v


def from_dict(doc: dict) -> EvalResults:
    """The inverse of :func:`to_dict`.

    Raises:
        EvalResultsFormatError: wrong schema label or missing/malformed fields.
    """
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        label = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise EvalResultsFormatError(f"expected an {SCHEMA} document, got schema {label!r}")
    if doc.get("emotions", list(EMOTIONS)) != list(EMOTIONS):
        raise EvalResultsFormatError(f"emotion columns {doc.get('emotions')} differ from {list(EMOTIONS)}")
    try:
        return EvalResults(
            shot=str(doc["shot"]),
            target_emotion=doc["target_emotion"],
            summary=Summary(**doc["summary"]),
            series=_series_from(doc["series"]),
            mapd_window=int(doc["mapd_window"]),
            identity_embedder=doc.get("identity_embedder"),
            notes=tuple(doc.get("notes", ())),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise EvalResultsFormatError(f"malformed {SCHEMA} document: {err}") from None


def to_json(results: EvalResults) -> str:
    """Pretty JSON text (strict: no NaN tokens)."""
    return json.dumps(to_dict(results), indent=1, allow_nan=False)


def from_json(text: str) -> EvalResults:
    """Parse :func:`to_json` output.

    Raises:
        EvalResultsFormatError: not JSON, or not an ``EvalResults.1`` document.
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise EvalResultsFormatError(f"results file is not JSON: {err}") from None
    return from_dict(doc)
