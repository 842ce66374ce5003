"""The shot's mouth index (retrieved mouth interiors) kept next to the analysis cache.

Building the index reads up to ``RenderConfig.max_patches`` frames of the shot; every chunk of a farm job (and
every re-render of the shot) needs the same index, so the first render saves it and the others load it. The
key covers everything the index is made from: the track's frames and landmarks (themselves keyed by the source's
content in the analysis cache), the source's path and colour management, the render and composite settings
(the read window). Arrays round-trip exactly (``.npz``), so a loaded index renders the same bytes as a built one.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ned_core.io.atomic import atomic_path
from ned_core.pipeline.config import NedConfig
from ned_core.render.mouth_index import MouthIndex

SCHEMA = "NedMouthIndex.1"
FOLDER = "mouth_index"
_FIELDS = ("frames", "descriptors", "openings", "patches", "inner_lips", "ring_mean")


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
    if config.cache_dir is None:
        return build()
    path = Path(config.cache_dir) / FOLDER / f"{key}.npz"
    try:
        with np.load(path) as stored:
            return MouthIndex(**{name: stored[name] for name in _FIELDS})
    except (OSError, EOFError, KeyError, ValueError):
        pass  # missing or damaged: build it
    index = build()
    buffer = io.BytesIO()
    np.savez(buffer, **{name: getattr(index, name) for name in _FIELDS})
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buffer.getvalue())
    return index
