"""Temporal flicker inside the face: how much the result's face changes frame to frame, vs the source's.

Flicker of one transition t-1 -> t is the mean absolute per-channel difference (0..255 scale)
over the face, weighted by ``mask[t-1] * mask[t]`` (the pixels that are face in both frames).
No motion compensation is applied: head and camera motion raise the figure. The shot's score is
therefore the ratio of the result's mean flicker to the source's over the same pixels: the motion
both share largely cancels, 1.0 means "as stable as the source", above 1 means added flicker.
"""

from __future__ import annotations

import numpy as np

from ned_core.exceptions import MetricUndefinedError
from ned_core.guards import check_frames, check_masks, check_same_shape


def face_flicker(frames: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Mask-weighted mean absolute frame-to-frame difference, per transition.

    Args:
        frames: ``(T, H, W, 3)`` in 0..255 scale, T >= 2.
        masks: ``(T, H, W)`` face masks (bool or 0..1).

    Returns:
        ``(T - 1,) float64``; entry t-1 is the change from frame t-1 to frame t.

    Raises:
        MetricUndefinedError: fewer than 2 frames, or two consecutive masks do not overlap.
    """
    frames = check_frames("frames", frames)
    masks = check_masks("masks", masks, frames.shape)
    if len(frames) < 2:
        raise MetricUndefinedError(f"flicker needs at least 2 frames, got {len(frames)}")
    out = np.empty(len(frames) - 1)
    for t in range(1, len(frames)):
        w = masks[t - 1].astype(np.float64) * masks[t].astype(np.float64)
        total = w.sum()
        if total <= 0:
            raise MetricUndefinedError(f"flicker: the face masks of frame indices {t - 1} and {t} do not overlap")
        diff = np.abs(frames[t].astype(np.float64) - frames[t - 1].astype(np.float64)).mean(axis=-1)
        out[t - 1] = float((diff * w).sum() / total)
    return out


def flicker_ratio(source_flicker: np.ndarray, result_flicker: np.ndarray) -> float:
    """Result's mean flicker over the source's (from :func:`face_flicker` with the same masks).

    Raises:
        MetricUndefinedError: the source face never changes (a frozen shot), so no ratio exists.
    """
    source_flicker = np.asarray(source_flicker, dtype=np.float64)
    result_flicker = np.asarray(result_flicker, dtype=np.float64)
    check_same_shape("source flicker", source_flicker, "result flicker", result_flicker)
    base = float(source_flicker.mean())
    if base <= 0:
        raise MetricUndefinedError("flicker ratio is undefined: the source face is identical in every frame")
    return float(result_flicker.mean()) / base
