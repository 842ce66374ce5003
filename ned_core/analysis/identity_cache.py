"""On-disk cache of the face descriptors of a shot's tracks, beside the analysis cache it builds on.

Describing a track costs about 0.1 s per sampled frame (dlib's ResNet on one core, 4 samples per track), so
``ned analyze``, the node's ``analyze_shot`` and ``--character`` renders would each pay it again. What is cached
is what describing found — each track's mean descriptor and the face chip shown for it — not the grouping:
grouping and the artist's ``NedCharacterEdits.1`` are re-applied on every run (milliseconds), so editing the
edits never needs a re-description.

Format ``TrackIdentities.1``: one file ``<root>/<key>.identities.npz`` (numpy ``savez``, written atomically):
``header`` (uint8 UTF-8 JSON ``{"schema", "key", "method", "tracks": [{"track_id", "described", "chip_frame"}]}``),
per track i ``t{i}.frames`` ``(T,) int64``, ``t{i}.descriptor`` ``(128,) float32`` (zeros when the track could
not be described: ``described`` false), ``t{i}.chip`` ``(150, 150, 3) uint8`` sRGB.

The key (:func:`identity_key`) is the SHA-256 of the analysis cache key (source content, analysis parameters,
face models, analysis version), the descriptor model file's SHA-256, the samples per track and
:data:`IDENTITY_VERSION`: a changed source or analysis is a new key. An unreadable entry is ignored (logged) and
described again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ned_core.analysis.cache import save_npz
from ned_core.analysis.characters import TrackIdentity

SCHEMA = "TrackIdentities.1"
IDENTITY_VERSION = 2  # bump when describing (chips, sampling, descriptor use) changes its results
SUFFIX = ".identities.npz"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrackFaces:
    """What describing a shot's tracks found.

    Attributes:
        method: the descriptor that made them (recorded with the characters).
        identities: one per track, in track order (frames and mean ``(128,) float32`` descriptor or None).
        chips: track id -> ``(150, 150, 3) uint8`` sRGB face chip from the sample nearest its middle.
        chip_frames: track id -> the frame that chip shows.
    """

    method: str
    identities: tuple[TrackIdentity, ...]
    chips: dict[int, np.ndarray]
    chip_frames: dict[int, int]


def identity_key(analysis_key: str, descriptor_sha256: str, samples: int) -> str:
    """SHA-256 over the analysis cache key, the descriptor model's checksum, the sampling and the version."""
    doc = {"analysis": analysis_key, "descriptor": descriptor_sha256, "samples": samples, "version": IDENTITY_VERSION}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


class IdentityCache:
    """A directory of cached :class:`TrackFaces` (see the module docstring for the format)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / f"{key}{SUFFIX}"

    def save(self, key: str, faces: TrackFaces) -> Path:
        """Write one entry atomically; returns its path."""
        header = {"schema": SCHEMA, "key": key, "method": faces.method,
                  "tracks": [{"track_id": int(t.track_id), "described": t.descriptor is not None,
                              "chip_frame": int(faces.chip_frames[t.track_id])} for t in faces.identities]}
        arrays: dict[str, np.ndarray] = {"header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)}
        for i, t in enumerate(faces.identities):
            arrays[f"t{i}.frames"] = np.asarray(t.frames, np.int64)
            arrays[f"t{i}.descriptor"] = (np.zeros(128, np.float32) if t.descriptor is None
                                          else np.asarray(t.descriptor, np.float32))
            arrays[f"t{i}.chip"] = faces.chips[t.track_id]
        return save_npz(self.path(key), arrays)

    def load(self, key: str) -> TrackFaces | None:
        """The entry, or None when there is none or it cannot be read (then it is described again)."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                header = json.loads(bytes(data["header"]).decode())
                if header.get("schema") != SCHEMA or header.get("key") != key:
                    raise ValueError(f"format {header.get('schema')!r} key {header.get('key')!r}")
                identities, chips, chip_frames = [], {}, {}
                for i, meta in enumerate(header["tracks"]):
                    tid = int(meta["track_id"])
                    descriptor = data[f"t{i}.descriptor"] if meta["described"] else None
                    identities.append(TrackIdentity(tid, data[f"t{i}.frames"], descriptor))
                    chips[tid], chip_frames[tid] = data[f"t{i}.chip"], int(meta["chip_frame"])
                return TrackFaces(header["method"], tuple(identities), chips, chip_frames)
        except (OSError, KeyError, ValueError) as err:
            log.warning("unreadable face-descriptor cache entry %s (%s): describing the tracks again", path, err)
            return None
