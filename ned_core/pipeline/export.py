"""Write a shot's analysis + fit for scripts and other tools (``ned analyze --out DIR``), and read it back.

Format ``NedAnalysis.2``, in ``DIR``:

- ``analysis.json``: ``{"schema": "NedAnalysis.2", "source": {path, kind, frames: "1001-1100", width,
  height, fps: "24/1", timecode}, "source_hash", "channels": [27 names, index 0 = jaw_open],
  "landmarks": "MediaPipe 468 mesh + 10 iris (468-472 subject's right iris, 473-477 left)",
  "default_track": id | null, "shots": [{"shot", "first_frame", "last_frame", "starts_with": "start" | "cut" |
  "fade" | "dissolve", "faces": bool}], "tracks": [{"id", "shot", "first_frame", "last_frame",
  "frames_with_face", "interpolated_frames", "held_frames", "mixed_frames", "mean_confidence", "mean_residual",
  "file"}]}``.
  ``frames_with_face`` counts the track's frames, bridged ones included; ``interpolated_frames`` how many
  of them were bridged, ``held_frames`` how many of those because the face was held behind another face passing
  in front (documents without it: 0); ``mixed_frames`` how many lie in a dissolve's mix (``mix_share`` below 1;
  documents without it: 0); ``mean_confidence`` is the mean mesh presence over the observed frames.
- ``track_<id>.npz`` per track (numpy ``savez``):
  ``frames (T,) int64``; ``landmarks (T, 478, 3) float32`` smoothed, image pixels (x right, y down,
  z relative depth in pixel scale); ``raw_landmarks (T, 478, 3) float32`` unsmoothed; ``boxes (T, 4)
  float32`` x0, y0, x1, y1; ``confidence (T,) float32`` the mesh's face-presence probability (0 on
  interpolated frames); ``interpolated (T,) bool`` frames bridged across a short gap (landmarks
  interpolated, not observed); ``held (T,) bool`` the bridged frames where the face was held behind another
  face passing in front (the other bridged frames lost it to a hand, a glass, the frame edge, blur; files
  without it: all False); ``mix_share (T,) float32`` the share of the picture the face belongs to on each frame: 1,
  but inside a dissolve's mix its picture's mix weight, linear over the mix (``FaceTrack.mix_share``: the plates'
  opacity there; files without it: all 1); ``pose_rotation (T, 3, 3)``, ``pose_scale (T,)`` (pixels per inter-ocular
  distance), ``pose_translation (T, 3)`` (template -> image: ``scale * R @ p + t``);
  ``rest_shape (468, 3)`` template space; ``expression (T, 27) float32``; ``residual (T,) float32``
  (RMS fit error, % of inter-ocular distance); ``crop_from_image (T, 2, 3)`` aligned-crop similarity.

``NedAnalysis.1`` (before shots, gaps and confidence) is still read: :func:`read_analysis` upgrades it
(``shots`` empty, no interpolated frames, confidence unknown); :func:`read_track` reads a ``track_<id>.npz``, the
arrays added later filled in for files written before them. Every file is written atomically; re-running
overwrites the folder's files.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from ned_core.analysis import ShotAnalysis
from ned_core.exceptions import AnalysisFormatError
from ned_core.face3d.types import FitResult
from ned_core.io.atomic import atomic_path, atomic_write_bytes
from ned_core.io.plate_source import PlateInfo, frame_list

SCHEMA = "NedAnalysis.2"
READABLE = ("NedAnalysis.1", SCHEMA)


def track_summaries(analysis: ShotAnalysis, fits: dict[int, FitResult]) -> list[dict]:
    """One row per track: id, shot, first/last frame, frames with a face, mean fit residual."""
    rows = []
    for t in analysis.tracks:
        frames, observed = t.track.frames, ~t.track.interpolated
        fit = fits.get(t.track.track_id)
        rows.append({
            "id": int(t.track.track_id), "shot": int(t.track.shot),
            "first_frame": int(frames[0]), "last_frame": int(frames[-1]), "frames_with_face": int(len(frames)),
            "interpolated_frames": int(t.track.interpolated.sum()), "held_frames": int(t.track.held.sum()),
            "mixed_frames": int((t.track.mix_share < 1.0).sum()),
            "mean_confidence": round(float(t.track.scores[observed].mean()), 4) if observed.any() else None,
            "mean_residual": None if fit is None else round(float(np.mean(fit.residual)), 4),
        })
    return rows


def shot_summaries(analysis: ShotAnalysis) -> list[dict]:
    """One row per shot: index, first/last frame, how it starts, whether any face was found in it."""
    faceless = {s for s, _, _ in analysis.faceless_shots()}
    return [{"shot": s, "first_frame": a, "last_frame": b, "starts_with": analysis.transition(s),
             "faces": s not in faceless} for s, a, b in analysis.shot_ranges()]


def write_analysis(out_dir: Path, info: PlateInfo, source_hash: str, analysis: ShotAnalysis,
                   fits: dict[int, FitResult], channels: tuple[str, ...], characters: dict | None = None) -> Path:
    """Write ``analysis.json`` and one ``track_<id>.npz`` per track into ``out_dir``; returns the JSON path.

    ``characters`` (issue 11: ``pipeline.characters.characters_doc``, ``NedCharacters.1``) goes in as the
    document's ``characters`` section when given."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = track_summaries(analysis, fits)
    for row, t in zip(rows, analysis.tracks):
        fit = fits[t.track.track_id]
        name = f"track_{row['id']}.npz"
        buffer = io.BytesIO()
        np.savez(buffer, frames=t.track.frames, landmarks=t.landmarks, raw_landmarks=t.track.landmarks,
                 boxes=t.track.boxes, confidence=t.track.scores, interpolated=t.track.interpolated,
                 held=t.track.held, mix_share=t.track.mix_share, pose_rotation=fit.pose.rotation, pose_scale=fit.pose.scale,
                 pose_translation=fit.pose.translation, rest_shape=fit.identity, expression=fit.expression,
                 residual=fit.residual, crop_from_image=t.alignment.crop_from_image)
        with atomic_path(out_dir / name) as tmp:
            tmp.write_bytes(buffer.getvalue())
        row["file"] = name
    default = analysis.default().track.track_id if analysis.tracks else None
    doc = {
        "schema": SCHEMA,
        "source": {"path": info.path, "kind": info.kind, "frames": frame_list(info.frames),
                   "width": info.width, "height": info.height,
                   "fps": None if info.fps is None else f"{info.fps.numerator}/{info.fps.denominator}",
                   "timecode": info.timecode},
        "source_hash": source_hash,
        "channels": list(channels),
        "landmarks": "MediaPipe 468 mesh + 10 iris (468-472 subject's right iris, 473-477 left)",
        "default_track": default,
        "shots": shot_summaries(analysis),
        "tracks": rows,
    }
    if characters is not None:  # issue 11: characters across cuts, a section of its own
        doc["characters"] = characters
    path = out_dir / "analysis.json"
    atomic_write_bytes(path, json.dumps(doc, indent=2).encode())
    return path


def read_analysis(path: Path) -> dict:
    """``analysis.json`` (or its folder) as an ``NedAnalysis.2`` document, upgrading ``NedAnalysis.1``.

    Raises:
        AnalysisFormatError: unreadable, not JSON, or another schema (the message names the file).
    """
    path = Path(path)
    if path.is_dir():
        path = path / "analysis.json"
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise AnalysisFormatError(f"{path}: cannot read an analysis document ({err})") from err
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if schema not in READABLE:
        raise AnalysisFormatError(f"{path}: format {schema!r}, expected one of {', '.join(READABLE)}")
    if schema == "NedAnalysis.1":
        doc = {**doc, "schema": SCHEMA, "shots": [],
               "tracks": [{**row, "interpolated_frames": 0, "mean_confidence": None} for row in doc["tracks"]]}
    doc["tracks"] = [{"held_frames": 0, "mixed_frames": 0, **row} for row in doc["tracks"]]  # .2 written before them
    return doc


def read_track(path: Path) -> dict[str, np.ndarray]:
    """A ``track_<id>.npz`` as its arrays (module docstring), with ``held`` (all False) and ``mix_share`` (all 1) for
    files written before them.

    Raises:
        AnalysisFormatError: unreadable, or without ``frames`` (the message names the file).
    """
    try:
        with np.load(Path(path)) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as err:
        raise AnalysisFormatError(f"{path}: cannot read a track file ({err})") from err
    if "frames" not in arrays:
        raise AnalysisFormatError(f"{path}: not a track file (no 'frames')")
    count = len(arrays["frames"])
    arrays.setdefault("held", np.zeros(count, bool))
    arrays.setdefault("mix_share", np.ones(count, np.float32))
    return arrays
