"""Plates over bridged frames: where a track's landmarks were interpolated across a gap (the face hidden by a hand,
a glass, another head), the plate fades out, so the edit is never painted over what hides the face.

A bridged frame (``FaceTrack.interpolated``) gets opacity 0: the face was not seen there, so the source shows
through. The ``fade`` observed frames on each side of a gap ease in and out of it (smoothstep), so the edit does not
pop off and on: at ``d`` frames from the nearest bridged frame the opacity is ``smoothstep(d / (fade + 1))``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ned_core.exceptions import ShapeError
from ned_core.io.exr_plate import FacePlate


def bridge_opacity(frames: np.ndarray, interpolated: np.ndarray, fade: int) -> np.ndarray:
    """The opacity of one track's plate at each of its frames.

    Args:
        frames: ``(T,) int`` the track's frame numbers.
        interpolated: ``(T,) bool`` its bridged frames.
        fade: observed frames on each side of a gap that ease in and out (0: cut straight to transparent).

    Returns:
        ``(T,) float32`` in ``[0, 1]``: 0 on bridged frames, 1 on frames more than ``fade`` frames from any.
    """
    frames, interpolated = np.asarray(frames), np.asarray(interpolated, bool)
    if frames.ndim != 1 or interpolated.shape != frames.shape:
        raise ShapeError("frames, interpolated", "(T,) frame numbers and (T,) bool", f"{frames.shape} and "
                                                                                       f"{interpolated.shape}")
    bridged = frames[interpolated].astype(np.int64)
    if bridged.size == 0:
        return np.ones(frames.shape, np.float32)
    distance = np.abs(frames.astype(np.int64)[:, None] - bridged[None, :]).min(axis=1)
    x = np.clip(distance / (fade + 1.0), 0.0, 1.0)
    return (x * x * (3.0 - 2.0 * x)).astype(np.float32)


def faded(plate: FacePlate, opacity: float) -> FacePlate:
    """``plate`` at ``opacity``: premultiplied colour, alpha, blend mask and per-face layers scaled alike (a
    dissolve towards the source under it)."""
    if opacity >= 1.0:
        return plate
    w = np.float32(opacity)
    return replace(plate, rgba=plate.rgba * w, mask=plate.mask * w,
                   faces={tid: layer * w for tid, layer in plate.faces.items()})
