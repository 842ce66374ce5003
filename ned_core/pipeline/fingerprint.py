"""Content fingerprint of a plate source: the analysis cache key's source part."""

from __future__ import annotations

import hashlib
import json

from ned_core.io.plate_source import PlateSource

_CHUNK = 1 << 22


def source_fingerprint(source: PlateSource) -> str:
    """SHA-256 over the bytes of every file the shot's frames come from, the frame numbers and colour.

    Streams each file once (a movie file once for all its frames), so memory stays bounded for
    any shot length; renaming or moving files keeps the fingerprint, editing a pixel changes it.
    """
    h = hashlib.sha256()
    info = source.info
    h.update(json.dumps({"frames": list(info.frames), "colourspace": info.colourspace,
                         "working": source.colour.working_space}).encode())
    seen = set()
    for number, path in sorted(source.files().items()):
        h.update(f"frame {number}:".encode())
        if path in seen:
            continue
        seen.add(path)
        with open(path, "rb") as f:
            while block := f.read(_CHUNK):
                h.update(block)
    return h.hexdigest()
