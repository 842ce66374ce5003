"""Stage 4 for a render request: the schedule and director it names, applied to one track."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ned_core.analysis import FaceMeshModels
from ned_core.direct import Director, EmotionSchedule, parse_emotion_keys, parse_emotion_spec
from ned_core.direct.units import check_units_in_model, parse_unit_overrides
from ned_core.exceptions import NoFaceTrackError, RenderJobError
from ned_core.face3d.types import FitResult
from ned_core.io.plates import open_plates
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.directors import DIRECTORS, DirectorBuild
from ned_core.pipeline.request import RenderRequest


def build_schedule(request: RenderRequest, first: int, last: int, config: NedConfig) -> EmotionSchedule:
    """The per-frame target over ``first..last`` from ``--emotion`` or ``--keys``.

    With ``reference``, ``emotion`` is an intensity ("0.8", default 1) and keys may only carry intensity.
    ``request.units`` are added to every key (a key's own override of a unit wins).
    """
    given = [name for name, v in (("emotion", request.emotion), ("keys", request.keys)) if v is not None]
    if len(given) > 1:
        raise RenderJobError("give either an emotion spec or a keys file, not both")
    units = parse_unit_overrides(request.units)
    if request.keys is not None:
        return parse_emotion_keys(request.keys, first, last, config.direct, source="keys").with_units(units)
    spec = request.emotion
    if spec is None:
        if request.reference is None:
            raise RenderJobError("nothing to direct: give an emotion (e.g. happy:0.8), a keys file or a reference clip")
        spec = "1.0"
    return parse_emotion_spec(spec, first, last, config.direct).with_units(units)


def check_schedule_units(schedule: EmotionSchedule, channel_names: tuple[str, ...], tier: str) -> None:
    """Every unit the schedule overrides must exist in the face model of ``tier`` (UnitNotInModelError)."""
    check_units_in_model(tuple(u for key in schedule.keys for u in key.units), channel_names, tier)


def reference_expression(reference: str, config: NedConfig, models: FaceMeshModels) -> np.ndarray:
    """Analyse the reference clip (like any shot, cached) -> ``(T', K)`` expression of its default track's frames."""
    from ned_core.pipeline.analyze import analyze_and_fit

    if not Path(reference).exists() and "#" not in reference and "%" not in reference and "@" not in reference:
        raise RenderJobError(f"reference clip {reference} does not exist")
    with open_plates(reference, colour=config.colour) as clip:
        shot = analyze_and_fit(clip, config, models=models)
    if not shot.analysis.tracks:
        raise NoFaceTrackError(f"reference clip {reference}: no face found, so it has no style to copy")
    return shot.fits[shot.analysis.default().track.track_id].expression


def make_director(request: RenderRequest, config: NedConfig, models: FaceMeshModels) -> Director:
    """The director the request names (see ``directors.DIRECTORS``), styled by the reference clip when one is given."""
    kind = DIRECTORS.get(request.director)
    if kind is None:
        raise RenderJobError(f"unknown director {request.director!r}; choose one of {', '.join(DIRECTORS)}")
    if kind.needs_checkpoint and not request.checkpoint:
        raise RenderJobError(f"--director {kind.name} needs --checkpoint PATH (train one with `ned train manipulator`)")
    reference = None if request.reference is None else reference_expression(request.reference, config, models)
    return kind.build(DirectorBuild(config.direct, reference, request.checkpoint, config.device,
                                    config.batch_size or 0))


def fill_gaps(frames: np.ndarray, values: np.ndarray, first: int, last: int) -> np.ndarray:
    """Values for every frame ``first..last``: linear over a track's gaps, held beyond its ends.

    Args:
        frames: ``(T,)`` increasing frame numbers of a track (gaps where the face was away).
        values: ``(T, K)`` per track frame.
        first, last: the shot's frame span (inclusive), containing ``frames``.

    Returns:
        ``(last - first + 1, K)`` values, row ``i`` = frame ``first + i``.
    """
    full = np.arange(first, last + 1)
    return np.stack([np.interp(full, frames, values[:, k]) for k in range(values.shape[1])], axis=1)


def direct_track(director: Director, schedule: EmotionSchedule, track_frames: np.ndarray, fit: FitResult,
                 seed: int) -> np.ndarray:
    """Directed ``(T, K) float32`` expression for the track's frames.

    The director sees the whole shot span (``schedule.first_frame..last_frame``) so that keys anywhere
    in the shot apply; frames where the track has no face are filled (see :func:`fill_gaps`) and dropped.
    """
    first, last = schedule.first_frame, schedule.last_frame
    filled = fill_gaps(track_frames, fit.expression.astype(np.float64), first, last)
    directed = director.direct(filled, schedule, seed)
    return directed[track_frames - first].astype(np.float32)


def emotion_metadata(request: RenderRequest, schedule: EmotionSchedule, director: Director) -> dict[str, str]:
    """Keys describing the target and the director for every plate's header (the writer prefixes ``ned/``)."""
    from ned_core.direct import emotion_keys_doc

    meta = {
        "emotion": request.emotion or "",
        "emotion_keys": json.dumps(emotion_keys_doc(schedule), sort_keys=True),
        "reference": request.reference or "",
        "director": request.director,
        "seed": str(request.seed),
    }
    meta.update({key.removeprefix("ned/"): value for key, value in director.metadata().items()})
    return meta
