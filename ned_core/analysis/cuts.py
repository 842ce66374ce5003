"""Shot cuts from the colour-histogram change between frames with content."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ned_core.analysis.signature import histogram_distance
from ned_core.analysis.types import FrameFaces


def shot_index(frames: Sequence[FrameFaces], threshold: float) -> np.ndarray:
    """Which shot each frame belongs to.

    A cut lies before a frame whose histogram differs from the last frame with content by more than
    ``threshold`` (see ``signature.histogram_distance``). Flat frames (black, single colour) never
    start a shot: they stay in the current one, and the next frame is compared with the frame before
    them, so a dropout or a flash frame does not split an actor's track.

    Args:
        frames: per-frame descriptors in frame order.
        threshold: histogram distance (0..1) above which a cut is declared.

    Returns:
        ``(N,) int64`` shot index per frame, 0 for the first shot.
    """
    out = np.zeros(len(frames), dtype=np.int64)
    shot, last = 0, None
    for i, f in enumerate(frames):
        if not f.flat:
            if last is not None and histogram_distance(f.histogram, last) > threshold:
                shot += 1
            last = f.histogram
        out[i] = shot
    return out
