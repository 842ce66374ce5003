"""Write a shot's analysis + fit for scripts and other tools (``ned analyze --out DIR``).

Format ``NedAnalysis.1``, in ``DIR``:

- ``analysis.json``: ``{"schema": "NedAnalysis.1", "source": {path, kind, frames: "1001-1100", width,
  height, fps: "24/1", timecode}, "source_hash", "channels": [27 names, index 0 = jaw_open],
  "landmarks": "MediaPipe 468 mesh + 10 iris (468-472 subject's right iris, 473-477 left)",
  "default_track": id | null, "tracks": [{"id", "shot", "first_frame", "last_frame", "frames_with_face",
  "mean_residual", "file"}]}``.
- ``track_<id>.npz`` per track (numpy ``savez``):
  ``frames (T,) int64``; ``landmarks (T, 478, 3) float32`` smoothed, image pixels (x right, y down,
  z relative depth in pixel scale); ``raw_landmarks (T, 478, 3) float32`` unsmoothed; ``boxes (T, 4)
  float32`` x0, y0, x1, y1; ``pose_rotation (T, 3, 3)``, ``pose_scale (T,)`` (pixels per inter-ocular
  distance), ``pose_translation (T, 3)`` (template -> image: ``scale * R @ p + t``);
  ``rest_shape (468, 3)`` template space; ``expression (T, 27) float32``; ``residual (T,) float32``
  (RMS fit error, % of inter-ocular distance); ``crop_from_image (T, 2, 3)`` aligned-crop similarity.

Every file is written atomically; re-running overwrites the folder's files.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from ned_core.analysis import ShotAnalysis
from ned_core.face3d.types import FitResult
from ned_core.io.atomic import atomic_path, atomic_write_bytes
from ned_core.io.plate_source import PlateInfo, frame_list

SCHEMA = "NedAnalysis.1"


def track_summaries(analysis: ShotAnalysis, fits: dict[int, FitResult]) -> list[dict]:
    """One row per track: id, shot, first/last frame, frames with a face, mean fit residual."""
    rows = []
    for t in analysis.tracks:
        frames = t.track.frames
        fit = fits.get(t.track.track_id)
        rows.append({
            "id": int(t.track.track_id), "shot": int(t.track.shot),
            "first_frame": int(frames[0]), "last_frame": int(frames[-1]), "frames_with_face": int(len(frames)),
            "mean_residual": None if fit is None else round(float(np.mean(fit.residual)), 4),
        })
    return rows


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
                 boxes=t.track.boxes, pose_rotation=fit.pose.rotation, pose_scale=fit.pose.scale,
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
        "tracks": rows,
    }
    if characters is not None:  # issue 11: characters across cuts, a section of its own
        doc["characters"] = characters
    path = out_dir / "analysis.json"
    atomic_write_bytes(path, json.dumps(doc, indent=2).encode())
    return path
