"""Where the lower lip really begins below a tracked inner lower lip that sits on the mouth's interior.

In an open mouth the face mesh sometimes puts the inner lower lip on the lower teeth or in the cavity
above the real lip edge (on the synthetic speaking actors' painted lower teeth, whose tips it reads as the lip,
in most open frames; on real speech it usually sits on the lip edge). The warp carries that band of interior
down with the lip, so a retrieved interior filled into the target's inner-lip outline ends at the band: a mouth
inside a mouth, and a re-read lower lip that lands on the band's edge in some frames and on the real lip in
others. (A source mouth that is open itself is split between the lips instead, ``mouth_fill.plan_mouth``: its
lower part rides down with the band.)
:func:`lower_lip_gap` measures the band (0 where the tracked point is on the lip) along each lower inner-lip
point's line towards the outer lip, so the fill can reach down to the real lip edge.

The interior is told from lip and skin by colour against the mouth's surroundings (median over the outer
lips, see :func:`mouth_reference`): the cavity is dark (luma below :data:`DARK` of
theirs), teeth are grey (redness ``(r - g) / r`` below :data:`GREY` of theirs); a lip in shadow stays red.
Only where the lips part (:data:`PARTED_IOD`) is there an interior to find: below a closed mouth's lip line
(its shadow is dark) the gap is 0.
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER
from ned_core.render.luma import luma

LOWER_INNER = LIPS_INNER[1:10]  # the lower lip's nine inner points, 95 .. 324
LOWER_OUTER = LIPS_OUTER[1:10]  # the outer points facing them, 146 .. 375
SEARCH_IOD = 0.15  # the farthest below the tracked point the lip edge is looked for
RUN_IOD = 0.02  # the lip edge: the first run of this many lip-coloured samples
DEAD_IOD = 0.02  # gaps below this are the tracker's ordinary precision (a lip line's shadow): 0
REFERENCE_IOD = 0.1
REFERENCE_SAMPLES = 20000
PARTED_IOD = 0.03  # a lower inner-lip point this far below the upper one facing it opens onto an interior
DARK = 0.3
GREY = 0.7


def _redness(rgb: np.ndarray) -> np.ndarray:
    return (rgb[..., 0] - rgb[..., 1]) / np.maximum(rgb[..., 0], 1e-6)


def mouth_reference(image: np.ndarray, inner: np.ndarray, iod_px: float) -> tuple[float, float]:
    """``(luma, redness)`` medians of the lips and skin around a mouth in ``image (H, W, 3)`` linear RGB: the
    inner lips' box grown by :data:`REFERENCE_IOD` across and twice that up and down, less the inner lips (the
    band of interior below a misplaced inner lip is a small share of it).

    Args:
        inner: ``(20, 2)`` inner-lip outline, image pixels.
        iod_px: the interocular distance in pixels.
    """
    h, w = image.shape[:2]
    grow = np.array([REFERENCE_IOD, 2 * REFERENCE_IOD]) * iod_px
    lo = np.maximum(np.floor(inner.min(axis=0) - grow).astype(int), 0)
    hi = np.minimum(np.ceil(inner.max(axis=0) + grow).astype(int) + 1, (w, h))
    if np.any(hi <= lo):
        return 0.0, 0.0
    hole = np.zeros((int(hi[1] - lo[1]), int(hi[0] - lo[0])), np.uint8)
    cv2.fillPoly(hole, [np.round((inner - lo) * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    pixels = np.asarray(image[lo[1] : hi[1], lo[0] : hi[0]], np.float32)[hole == 0]
    if len(pixels) == 0:
        return 0.0, 0.0
    pixels = pixels[:: max(1, len(pixels) // REFERENCE_SAMPLES)]  # a close-up's mouth: medians of a spread sample
    return float(np.median(luma(pixels))), float(np.median(_redness(pixels)))


def interior_like(pixels: np.ndarray, reference: tuple[float, float]) -> np.ndarray:
    """``(...) bool``: which ``(..., 3)`` linear-RGB pixels look like a mouth's interior (dark or grey) next to
    the ``(luma, redness)`` of the mouth's surroundings (:func:`mouth_reference`)."""
    level, redness = reference
    return (luma(pixels) < DARK * level) | (_redness(pixels) < GREY * redness)


def lower_lip_gap(image: np.ndarray, inner: np.ndarray, direction: np.ndarray, iod_px: float,
                  reference: tuple[float, float]) -> np.ndarray:
    """How far (pixels) below each tracked lower inner-lip point the lip really begins; 0 where it is on the lip.

    Each point's line is sampled every half pixel up to :data:`SEARCH_IOD`; the edge is the first sample
    that starts :data:`RUN_IOD` of lip-coloured (not :func:`interior_like`) samples. Gaps under
    :data:`DEAD_IOD`, or with no lip within the search, are 0 (nothing to correct, or nothing trusted).

    Args:
        image: ``(H, W, 3)`` linear RGB.
        inner: ``(K, 2)`` tracked lower inner-lip points, image pixels.
        direction: ``(K, 2)`` unit vectors from each point into the lip (towards the outer lip).
        iod_px: the interocular distance in pixels.
        reference: the mouth surroundings' ``(luma, redness)`` (:func:`mouth_reference`).

    Returns:
        ``(K,) float64`` gaps in pixels.
    """
    if reference[0] <= 0.0 or iod_px <= 0.0:
        return np.zeros(len(inner))
    steps = np.arange(0.0, SEARCH_IOD * iod_px, 0.5)
    run = max(2, int(np.ceil(RUN_IOD * iod_px / 0.5)))
    pts = inner[:, None, :] + steps[None, :, None] * direction[:, None, :]  # (K, S, 2)
    h, w = image.shape[:2]
    xs = np.clip(np.round(pts[..., 0]).astype(int), 0, w - 1)
    ys = np.clip(np.round(pts[..., 1]).astype(int), 0, h - 1)
    lip = ~interior_like(np.asarray(image[ys, xs], np.float32), reference)  # (K, S)
    gaps = np.zeros(len(inner))
    for k, row in enumerate(lip):
        # a run of `run` lip samples starting at s: the window sum over [s, s + run) equals run
        full = np.convolve(row.astype(int), np.ones(run, int), "valid") == run
        starts = np.flatnonzero(full)
        if len(starts):
            gaps[k] = steps[starts[0]]
    gaps[gaps < DEAD_IOD * iod_px] = 0.0
    return gaps


def parted(inner: np.ndarray, iod_px: float) -> np.ndarray:
    """``(9,) bool``: which lower inner-lip points of an ``(20, 2)`` inner-lip outline (:data:`LIPS_INNER` order)
    lie at least :data:`PARTED_IOD` below the upper inner-lip point facing them (position ``20 - k``)."""
    lower, upper = inner[1:10], inner[19:10:-1]
    return np.linalg.norm(lower - upper, axis=1) >= PARTED_IOD * iod_px


def lip_edge_outline(image: np.ndarray, inner: np.ndarray, direction: np.ndarray, iod_px: float,
                     opened: np.ndarray | None = None) -> np.ndarray:
    """The ``(20, 2)`` inner-lip outline with its lower points moved down to the real lip edge in ``image``.

    Args:
        image: ``(H, W, 3)`` linear RGB.
        inner: ``(20, 2)`` inner-lip outline (:data:`LIPS_INNER` order), image pixels.
        direction: ``(9, 2)`` unit vectors from the lower inner points into the lip.
        iod_px: the interocular distance in pixels.
        opened: ``(9,) bool`` which lower points may have an interior band below them; None: :func:`parted`.
    """
    opened = parted(inner, iod_px) if opened is None else opened
    out = np.array(inner, np.float64)
    if not np.any(opened):
        return out
    gaps = lower_lip_gap(image, out[1:10], direction, iod_px, mouth_reference(image, out, iod_px))
    out[1:10] += steady(np.where(opened, gaps, 0.0))[:, None] * direction
    return out


def steady(gaps: np.ndarray) -> np.ndarray:
    """``(K,)`` gaps along the lower lip without lone outliers (a sample through a highlight, a corner's shadow):
    each inner point the median of itself and its two neighbours, each end point no deeper than its
    neighbour (the lip rises into the corners); a lone spike would notch the filled outline."""
    out = np.array(gaps, np.float64)
    if len(out) < 3:
        return out
    out[1:-1] = np.median(np.stack([gaps[:-2], gaps[1:-1], gaps[2:]]), axis=0)
    out[0], out[-1] = min(gaps[0], out[1]), min(gaps[-1], out[-2])
    return out
