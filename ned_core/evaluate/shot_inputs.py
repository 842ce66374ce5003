"""Load a source and its edited result (face plates or composites) into ShotInputs by re-analysing both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import fileseq
import numpy as np

from ned_core.analysis import FaceMeshModels, ShotAnalysis, TrackAnalysis, analyze_shot
from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.mask import face_mask
from ned_core.composite import merge_over
from ned_core.evaluate.measure import ShotInputs
from ned_core.exceptions import (
    NoFaceToEvaluateError,
    ShotResultMismatchError,
    ShotResultMissingError,
)
from ned_core.io.colour import ColourConfig
from ned_core.io.exr import read_face_plate
from ned_core.io.plate_source import Frame, PlateSource, frame_list
from ned_core.io.plates import open_plates

ResultKind = Literal["plates", "composites"]


@dataclass(frozen=True)
class LoadedShot:
    """A shot ready for ``measure_shot``.

    Attributes:
        inputs: source and result frames (display sRGB), source face masks, both faces' landmarks,
            restricted to the frames where both analyses found the face.
        crop_side: side of the source face's aligned crop in frame pixels (median over frames), the
            scale of the paper's 256 px crops for MAPD's window.
        notes: caveats of the loading (frames left out and why), one sentence each.
    """

    inputs: ShotInputs
    crop_side: int
    notes: tuple[str, ...]


def find_exr_sequence(folder: Path, what: str) -> fileseq.FileSequence:
    """The single EXR sequence in ``folder`` (a render's ``composite/`` subfolder for composites).

    Raises:
        ShotResultMissingError: no folder, no EXR files, or several sequences (names them).
    """
    folder = Path(folder)
    if what == "composites" and (folder / "composite").is_dir():
        folder = folder / "composite"
    if not folder.is_dir():
        raise ShotResultMissingError(f"--{what} {folder}: not a folder")
    seqs = [s for s in fileseq.findSequencesOnDisk(str(folder / "*.exr")) if s.frameSet() is not None]
    if not seqs:
        raise ShotResultMissingError(f"--{what} {folder}: no numbered EXR sequence (name.####.exr) in this folder")
    if len(seqs) > 1:
        names = ", ".join(s.format("{basename}{padding}{extension}") for s in seqs)
        raise ShotResultMissingError(f"--{what} {folder}: several EXR sequences ({names}); give a folder holding one")
    return seqs[0]


def _check_frames_present(seq: fileseq.FileSequence, wanted: tuple[int, ...], what: str) -> None:
    have = set(seq.frameSet())
    missing = [n for n in wanted if n not in have]
    if missing:
        raise ShotResultMismatchError(
            f"--{what} {seq.dirname()}: no file for source frame {missing[0]} ({len(missing)} of {len(wanted)} "
            f"source frames missing; the folder has frames {seq.frameSet()})")


def _plate_reader(seq: fileseq.FileSequence, size: tuple[int, int]) -> Callable[[Frame], np.ndarray]:
    """Result of one frame: its face plate (read from disk) merged over the source frame."""

    def result(frame: Frame) -> np.ndarray:
        path = seq.frame(frame.number)
        plate, _ = read_face_plate(path)
        if plate.frame != frame.number:
            raise ShotResultMismatchError(f"{path}: plate of frame {plate.frame}, expected source frame {frame.number}")
        if tuple(plate.display_size) != size:
            raise ShotResultMismatchError(f"{path}: plate for a {plate.display_size[0]}x{plate.display_size[1]} "
                                          f"frame, the source is {size[0]}x{size[1]}")
        return merge_over(frame.rgb, plate)

    return result


def _composite_reader(comps: PlateSource, size: tuple[int, int]) -> Callable[[Frame], np.ndarray]:
    info = comps.info
    if (info.width, info.height) != size:
        raise ShotResultMismatchError(f"--composites {info.path}: {info.width}x{info.height} frames, the source is "
                                      f"{size[0]}x{size[1]}")
    return lambda frame: comps.read(frame.number).rgb


def _read_pairs(plates: PlateSource, result: Callable[[Frame], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``(T, H, W, 3) uint8`` display sRGB source and result frames (one colour path for both)."""
    to8 = plates.colour.working_to_srgb8
    src, res = [], []
    for number in plates.info.frames:
        frame = plates.read(number)
        src.append(to8(frame.rgb))
        res.append(to8(result(frame)))
    return np.stack(src), np.stack(res)


def _best_match(result: ShotAnalysis, source: TrackAnalysis, name: str) -> TrackAnalysis:
    """The result track that covers the source track's face best (mean box IoU over shared frames)."""
    if not result.tracks:
        raise NoFaceToEvaluateError(f"{name}: no face found in the result; is it the edit of this source?")

    def overlap(candidate: TrackAnalysis) -> float:
        rows = {int(f): i for i, f in enumerate(candidate.track.frames)}
        ious = []
        for i, f in enumerate(source.track.frames):
            if int(f) in rows:
                a, b = source.track.boxes[i], candidate.track.boxes[rows[int(f)]]
                w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
                h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
                union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
                ious.append(w * h / union if union > 0 else 0.0)
        return float(np.sum(ious))

    best = max(result.tracks, key=overlap)
    if overlap(best) <= 0:
        raise NoFaceToEvaluateError(f"{name}: the result's faces do not overlap the source's face in any frame")
    return best


def _pair_tracks(src: TrackAnalysis, res: TrackAnalysis, frames: tuple[int, ...],
                 notes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows into the source frames and both tracks for the frames where both faces were found."""
    s_rows = {int(f): i for i, f in enumerate(src.track.frames)}
    r_rows = {int(f): i for i, f in enumerate(res.track.frames)}
    keep = [n for n in frames if n in s_rows and n in r_rows]
    for label, rows in (("source", s_rows), ("result", r_rows)):
        lost = [n for n in frames if n not in rows]
        if lost:
            notes.append(f"{len(lost)} frames left out: no face found in the {label} (first: frame {lost[0]}).")
    if not keep:
        raise NoFaceToEvaluateError("no frame has the face in both the source and the result")
    index = {n: i for i, n in enumerate(frames)}
    return (np.array([index[n] for n in keep]), np.array([s_rows[n] for n in keep]),
            np.array([r_rows[n] for n in keep]))


class ReadSettings(Protocol):
    """The slices of a ``pipeline.config.NedConfig`` loading reads (evaluate sits below the pipeline)."""

    colour: ColourConfig
    analysis: AnalysisConfig


def load_shot_inputs(source: str, result: Path | str, kind: ResultKind, config: ReadSettings,
                     models: FaceMeshModels, *, frames: str | None = None, start_frame: int | None = None,
                     track: int | None = None) -> LoadedShot:
    """Read a source and its edited result frame for frame, and re-analyse both with the pipeline's analysis.

    Args:
        source: the source plate (sequence pattern, movie or still), as given to ``ned render``.
        result: a folder of face plates (merged over the source here) or of full-frame composites
            (a render's out folder with a ``composite/`` subfolder also works).
        kind: ``"plates"`` or ``"composites"``.
        config: colour and analysis settings, e.g. a ``NedConfig`` (the analysis cache is not used: both are
            analysed fresh).
        models: loaded face-analysis models.
        frames: frame range of the source to evaluate (fileseq syntax); None = all.
        start_frame: number of a movie's first frame.
        track: source face track id; None = the default (largest, most central) face.

    Returns:
        The shot's inputs (frames where both faces were found) and notes on what was left out.

    Raises:
        NoFaceToEvaluateError: no face in the source, or none in the result matching it.
        NoFaceTrackError: the source has no track ``track`` (the message lists the ids there are).
        ShotResultMissingError, ShotResultMismatchError: the result folder is empty, ambiguous, or its
            frames/size do not match the source.
    """
    shot = _read_analysed(source, result, kind, config, models, frames, start_frame)
    src_track = shot.source.track(track) if track is not None else shot.source.default()
    return _pair(shot, src_track, config)


def load_every_face(source: str, result: Path | str, kind: ResultKind, config: ReadSettings,
                    models: FaceMeshModels, *, frames: str | None = None, start_frame: int | None = None,
                    tracks: tuple[int, ...] | None = None) -> dict[int, LoadedShot]:
    """:func:`load_shot_inputs` for several faces, reading and analysing once: every face track of the source
    (``--track all``) or the ``tracks`` given (a character's).

    Returns:
        Source track id -> its loaded shot, in id order.

    Raises:
        The errors of :func:`load_shot_inputs`; NoFaceToEvaluateError when any face has no match in the result.
    """
    shot = _read_analysed(source, result, kind, config, models, frames, start_frame)
    chosen = shot.source.tracks if tracks is None else [shot.source.track(t) for t in tracks]
    return {int(t.track.track_id): _pair(shot, t, config) for t in sorted(chosen, key=lambda t: t.track.track_id)}


@dataclass(frozen=True)
class _Analysed:
    """Source and result frames, both analysed."""

    path: str
    frames: tuple[int, ...]
    src8: np.ndarray
    res8: np.ndarray
    source: ShotAnalysis
    result: ShotAnalysis
    result_name: str


def _read_analysed(source: str, result: Path | str, kind: ResultKind, config: ReadSettings,
                   models: FaceMeshModels, frames: str | None, start_frame: int | None) -> _Analysed:
    with open_plates(source, frames=frames, colour=config.colour, start_frame=start_frame) as plates:
        info = plates.info
        size = (info.width, info.height)
        seq = find_exr_sequence(Path(result), kind)
        _check_frames_present(seq, info.frames, kind)
        if kind == "plates":
            src8, res8 = _read_pairs(plates, _plate_reader(seq, size))
        else:
            with open_plates(str(seq), colour=config.colour) as comps:
                src8, res8 = _read_pairs(plates, _composite_reader(comps, size))
    src_shot = analyze_shot(zip(info.frames, src8), config.analysis, models)
    if not src_shot.tracks:
        raise NoFaceToEvaluateError(f"{info.path}: no face found in the source frames {frame_list(info.frames)}")
    res_shot = analyze_shot(zip(info.frames, res8), config.analysis, models)
    return _Analysed(info.path, tuple(info.frames), src8, res8, src_shot, res_shot, str(result))


def _pair(shot: _Analysed, src_track: TrackAnalysis, config: ReadSettings) -> LoadedShot:
    """The inputs of one source face: the result track over it, the frames where both were found."""
    notes: list[str] = []
    res_track = _best_match(shot.result, src_track, shot.result_name)
    at, s_rows, r_rows = _pair_tracks(src_track, res_track, shot.frames, notes)
    src_lms = src_track.landmarks[s_rows]
    hw = shot.src8.shape[1:3]
    masks = np.stack([face_mask(lm, hw, config.analysis.mask_feather).full(hw) for lm in src_lms])
    inputs = ShotInputs(source=shot.src8[at], result=shot.res8[at], masks=masks, source_landmarks=src_lms,
                        result_landmarks=res_track.landmarks[r_rows],
                        frames=np.asarray(shot.frames, dtype=np.int64)[at], name=shot.path)
    scale = np.sqrt(np.abs(np.linalg.det(src_track.alignment.image_from_crop[s_rows, :, :2])))
    crop_side = round(float(np.median(scale)) * src_track.alignment.crop_size)
    return LoadedShot(inputs, crop_side, tuple(notes))
