"""The inner-lip outlines moved onto the lips' visible edges, so a redrawn lip samples lip only (``lip_band.py``).

On an open mouth the face mesh often puts the inner lip on the interior rather than on the lip's edge: on a smile
the inner upper lip lies up to a pixel or so down on the upper teeth (the astronaut at 44 px IOD), on the speaking
actors the inner lower lip runs through the dark cavity or along the lower teeth's tips (up to 3.4 px on the speaking
astronaut's open syllables).

Here each inner-lip point of the source is moved along its line towards the facing outer-lip point onto the first
run of lip-coloured pixels (``lip_edge.lower_lip_gap``, the same colour test against the mouth's surroundings), at
most :data:`MAX_SHARE` of the way to the outer lip; the target's point moves by the same offset, scaled by how far
the target keeps the source's gap at that column (a mouth the target closes keeps none of it, the lips meet).
Where the lips do not part (``lip_edge.parted``) nothing moves.
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER, interocular_distance
from ned_core.render.lip_edge import LOWER_INNER, LOWER_OUTER, lower_lip_gap, mouth_reference, parted, steady

UPPER_INNER = LIPS_INNER[19:10:-1]  # the upper inner points facing LOWER_INNER (191 .. 415)
UPPER_OUTER = LIPS_OUTER[19:10:-1]  # the outer points facing them
MAX_SHARE = 0.7  # a point moves at most this share of the way to its outer point (the lip keeps some thickness)


def lip_offsets(image: np.ndarray, src: np.ndarray) -> np.ndarray:
    """``(2, 9, 2)`` offsets (pixels) of the source's upper (``[0]``, :data:`UPPER_INNER` order) and lower (``[1]``,
    :data:`LOWER_INNER` order) inner-lip points onto the visible lip edges in ``image``; 0 where the lips do not
    part.

    Args:
        image: ``(H, W, 3)`` linear RGB source frame.
        src: ``(>= 468, 2)`` source landmarks, frame pixels.
    """
    iod = float(interocular_distance(src))
    inner = src[list(LIPS_INNER)]
    opened = parted(inner, iod)
    out = np.zeros((2, 9, 2))
    if not np.any(opened):
        return out
    reference = mouth_reference(image, inner, iod)
    for k, (inner_ids, outer_ids) in enumerate(((UPPER_INNER, UPPER_OUTER), (LOWER_INNER, LOWER_OUTER))):
        points = src[list(inner_ids)]
        towards = src[list(outer_ids)] - points
        length = np.linalg.norm(towards, axis=1)
        direction = towards / np.maximum(length, 1e-9)[:, None]
        gaps = steady(np.where(opened, lower_lip_gap(image, points, direction, iod, reference), 0.0))
        out[k] = np.minimum(gaps, MAX_SHARE * length)[:, None] * direction
    return out


def snap_inner_lips(image: np.ndarray, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(src, dst)`` copies with the inner-lip points moved onto the visible lip edges (see the module docstring).

    Args:
        image: ``(H, W, 3)`` linear RGB source frame.
        src, dst: ``(>= 468, 2) float64`` source and target landmarks, frame pixels.
    """
    offsets = lip_offsets(image, src)
    if not offsets.any():
        return src, dst
    s_gap = np.linalg.norm(src[list(LOWER_INNER)] - src[list(UPPER_INNER)], axis=1)
    d_gap = np.linalg.norm(dst[list(LOWER_INNER)] - dst[list(UPPER_INNER)], axis=1)
    kept = np.clip(d_gap / np.maximum(s_gap, 1e-9), 0.0, 1.0)[:, None]
    src, dst = np.array(src, np.float64), np.array(dst, np.float64)
    for ids, offset in ((UPPER_INNER, offsets[0]), (LOWER_INNER, offsets[1])):
        src[list(ids)] += offset
        dst[list(ids)] += kept * offset
    return src, dst

