"""What a track's render prepares from many frames, kept next to the analysis cache: the shot's mouth index
(retrieved mouth interiors), the track's occlusion reference and its spectacle rims.

Building the index reads up to ``RenderConfig.max_patches`` frames of the shot, the reference up to
``OcclusionConfig.samples`` face windows, the rims a few windows spread over the whole track (a long-GOP movie is
decoded up to the last of them: ~0.3 s of CPU for a 96-frame 1080p H.264 close-up, every chunk of a farm job
decoding the whole shot); every chunk of a farm job (and every re-render of the shot) needs the same
ones, so the first render saves them and the others load them. The key covers everything they are made from: the track's frames and landmarks (themselves keyed by the source's
content in the analysis cache), the source's path and colour management, the render and composite settings
(the read window, the occlusion settings). Arrays round-trip exactly (``.npz``), so a loaded index or reference
renders the same bytes as a built one.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import TypeVar

import numpy as np

from ned_core.composite.occlusion import OcclusionReference
from ned_core.io.atomic import atomic_path
from ned_core.pipeline.config import NedConfig
from ned_core.render.glasses import RIMS_VERSION, ShotRims
from ned_core.render.mouth_index import MouthIndex

SCHEMA = "NedMouthIndex.1"
FOLDER = "mouth_index"
OCCLUSION_FOLDER = "occlusion_reference"
RIMS_FOLDER = f"shot_rims.{RIMS_VERSION}"  # rims found by another render.glasses are another folder
_Stored = TypeVar("_Stored", MouthIndex, OcclusionReference, ShotRims)


def mouth_index_key(config: NedConfig, source_path: str, colourspace: str, frames: np.ndarray,
                    landmarks: np.ndarray) -> str:
    """SHA-256 of what the index is built from (see the module docstring)."""
    h = hashlib.sha256()
    h.update(json.dumps({"schema": SCHEMA, "source": source_path, "colourspace": colourspace,
                         "colour": repr(config.colour), "ocio_env": os.environ.get("OCIO", ""),
                         "render": repr(config.render), "composite": repr(config.composite)}).encode())
    h.update(np.ascontiguousarray(frames, np.int64).tobytes())
    h.update(np.ascontiguousarray(landmarks, np.float32).tobytes())
    return h.hexdigest()


def cached_mouth_index(config: NedConfig, key: str, build: Callable[[], MouthIndex]) -> MouthIndex:
    """The index stored under ``key`` in ``config.cache_dir``, else ``build()`` saved there (atomically).

    Without a cache folder (``--no-cache``) it is built every time. A stored file that cannot be read is
    built again and replaced.
    """
    return _cached(config, FOLDER, key, build, MouthIndex)


def cached_occlusion_reference(config: NedConfig, key: str,
                               build: Callable[[], OcclusionReference]) -> OcclusionReference:
    """The track's occlusion reference stored under ``key`` (a :func:`mouth_index_key` of the track), else
    ``build()`` saved there; as :func:`cached_mouth_index`."""
    return _cached(config, OCCLUSION_FOLDER, key, build, OcclusionReference)


def cached_shot_rims(config: NedConfig, key: str, build: Callable[[], ShotRims | None]) -> ShotRims | None:
    """The track's spectacle rims stored under ``key`` (a :func:`mouth_index_key` of the track), else ``build()``
    saved there (None, no glasses, is stored as an empty grid); as :func:`cached_mouth_index`."""
    stored = _cached(config, RIMS_FOLDER, key, lambda: build() or ShotRims(np.zeros((0, 0), bool)), ShotRims)
    return stored if stored.grid.size else None


def _cached(config: NedConfig, folder: str, key: str, build: Callable[[], _Stored], kind: type[_Stored]) -> _Stored:
    if config.cache_dir is None:
        return build()
    names = [f.name for f in fields(kind)]
    path = Path(config.cache_dir) / folder / f"{key}.npz"
    try:
        with np.load(path) as stored:
            values = {name: stored[name] for name in names}
            return kind(**{name: v.item() if v.ndim == 0 else v for name, v in values.items()})
    except (OSError, EOFError, KeyError, ValueError):
        pass  # missing or damaged: build it
    built = build()
    buffer = io.BytesIO()
    np.savez(buffer, **{name: getattr(built, name) for name in names})
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buffer.getvalue())
    return built
