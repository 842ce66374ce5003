"""On-disk cache of shot analyses, keyed by source content + parameters + model files.

Format ``AnalysisCache.2``: one file ``<root>/<key>.npz`` per analysed shot (numpy ``savez``,
uncompressed), written atomically, so a reader never sees a partial entry. Entries:

- ``header``: uint8 bytes of a UTF-8 JSON object ``{"schema": "AnalysisCache.2", "key", "source",
  "params", "frame_size": [H, W], "crop_size", "tracks": [{"track_id", "shot"}, ...], "transitions": ["cut" |
  "fade" | "dissolve", ...] (how each shot after the first starts)}``.
- ``frames`` ``(N,) int64``, ``shots`` ``(N,) int64``.
- per track i: ``t{i}.frames`` ``(T,) int64``, ``t{i}.raw`` ``(T, 478, 3) float32`` raw landmarks,
  ``t{i}.boxes`` ``(T, 4) float32``, ``t{i}.scores`` ``(T,) float32``, ``t{i}.interpolated`` ``(T,) bool``
  (bridged frames, see ``tracklets.bridge_gaps``), ``t{i}.held`` ``(T,) bool`` (the bridged frames where the face
  was held behind another face, ``FaceTrack.held``), ``t{i}.mix_share`` ``(T,) float32`` (the share of the mixed
  picture the face's shot holds, ``FaceTrack.mix_share``), ``t{i}.landmarks``
  ``(T, 478, 3) float32`` smoothed, ``t{i}.crop_from_image`` / ``t{i}.image_from_crop`` ``(T, 2, 3) float64``.

The key (:func:`cache_key`) is the SHA-256 of the source fingerprint (the pipeline passes
``pipeline.fingerprint.source_fingerprint``: the bytes of the shot's files, its frame numbers and colour
spaces), every result-affecting AnalysisConfig field, the model files' SHA-256 and :data:`ANALYSIS_VERSION`.
Entries are safe to delete at any time; an unreadable or foreign-version entry raises
AnalysisCacheError (delete it to re-analyse).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from pathlib import Path

import numpy as np

from ned_core.analysis.align import Alignment
from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.model_set import FaceMeshModels
from ned_core.analysis.shot import ShotAnalysis, TrackAnalysis
from ned_core.analysis.types import FaceTrack
from ned_core.exceptions import AnalysisCacheError
from ned_core.io.atomic import atomic_path
from ned_core.models.store import sha256_of

SCHEMA = "AnalysisCache.2"
ANALYSIS_VERSION = 25  # bump when the analysis code changes its results
_NOT_RESULT_FIELDS = ("num_threads",)


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    """Write ``arrays`` as an uncompressed ``.npz`` atomically (a reader never sees a partial entry); returns it."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buffer.getvalue())
    return path


def cache_key(source_hash: str, config: AnalysisConfig, models: FaceMeshModels) -> str:
    """SHA-256 over the source hash, the result-affecting config fields, model checksums and version."""
    params = {k: v for k, v in dataclasses.asdict(config).items() if k not in _NOT_RESULT_FIELDS}
    doc = {
        "source": source_hash,
        "params": params,
        "models": {f.name: sha256_of(getattr(models, f.name).path) for f in dataclasses.fields(models)},
        "version": ANALYSIS_VERSION,
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=list).encode()).hexdigest()


class AnalysisCache:
    """A directory of cached shot analyses (see the module docstring for the format)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / f"{key}.npz"

    def contains(self, key: str) -> bool:
        return self.path(key).is_file()

    def save(self, key: str, analysis: ShotAnalysis, source_hash: str, config: AnalysisConfig) -> Path:
        """Write one entry atomically; returns its path."""
        header = {
            "schema": SCHEMA, "key": key, "source": source_hash,
            "params": dataclasses.asdict(config), "frame_size": list(analysis.frame_size),
            "crop_size": config.crop_size,
            "tracks": [{"track_id": t.track.track_id, "shot": t.track.shot} for t in analysis.tracks],
            "transitions": list(analysis.transitions),
        }
        arrays: dict[str, np.ndarray] = {
            "header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            "frames": analysis.frames, "shots": analysis.shots,
        }
        for i, t in enumerate(analysis.tracks):
            arrays.update({
                f"t{i}.frames": t.track.frames, f"t{i}.raw": t.track.landmarks, f"t{i}.boxes": t.track.boxes,
                f"t{i}.scores": t.track.scores, f"t{i}.interpolated": t.track.interpolated,
                f"t{i}.held": t.track.held, f"t{i}.mix_share": t.track.mix_share,
                f"t{i}.landmarks": t.landmarks,
                f"t{i}.crop_from_image": t.alignment.crop_from_image,
                f"t{i}.image_from_crop": t.alignment.image_from_crop,
            })
        return save_npz(self.path(key), arrays)

    def load(self, key: str) -> ShotAnalysis:
        """Read one entry back.

        Raises:
            AnalysisCacheError: missing, unreadable, or not ``AnalysisCache.2`` (an older entry is never
                read: its key differs, since the key holds ``ANALYSIS_VERSION``).
        """
        path = self.path(key)
        try:
            with np.load(path, allow_pickle=False) as data:
                header = json.loads(bytes(data["header"]).decode())
                if header.get("schema") != SCHEMA:
                    raise AnalysisCacheError(f"{path}: format {header.get('schema')!r}, expected {SCHEMA!r}; "
                                             "delete the file to re-analyse")
                tracks = []
                for i, meta in enumerate(header["tracks"]):
                    track = FaceTrack(int(meta["track_id"]), int(meta["shot"]), data[f"t{i}.frames"],
                                      data[f"t{i}.raw"], data[f"t{i}.boxes"], data[f"t{i}.scores"],
                                      data[f"t{i}.interpolated"], data[f"t{i}.held"], data[f"t{i}.mix_share"])
                    alignment = Alignment(data[f"t{i}.crop_from_image"], data[f"t{i}.image_from_crop"],
                                          int(header["crop_size"]))
                    tracks.append(TrackAnalysis(track, data[f"t{i}.landmarks"], alignment))
                return ShotAnalysis(data["frames"], data["shots"], tuple(header["frame_size"]), tuple(tracks),
                                    tuple(header["transitions"]))
        except AnalysisCacheError:
            raise
        except (OSError, KeyError, ValueError) as err:
            raise AnalysisCacheError(
                f"{path}: unreadable analysis cache entry ({err}); delete it to re-analyse") from err
