"""Cover the source's mouth interior that the warp carries onto the target's lips, with the lips' own colour.

MediaPipe's inner-lip points do not always sit on the lip edge: in an open mouth they often fall inside
the opening (on the teeth, or in the dark of the cavity), so a band of interior lies between the observed
inner lip and the real lip. The warp moves that band with the lip: where the target parts the lips further
than the source and the retrieved interior fills the target's inner-lip polygon, the band is left between the
filled interior and the lip as a second, grey or dark rim whose width follows how far the tracker missed the
source's lip in each frame, not the speech. Read back, the opening then jumps from frame to frame (the edge is
read sometimes at the fill, sometimes at the real lip): the words' time course is lost although the target's
opening keeps it. Here, where the target drops the lower lip over a filled interior (see :func:`cover_weight`), every
pixel of the target's lower lip (between its inner and outer outlines, below the mouth corners) whose colour looks
like mouth interior (far less red than the source's lips, or far darker) is painted in the source's lip colour, so
the target's inner lip outline is where the lower lip begins. The upper lip is left alone: teeth under a raised
upper lip are the target's, not a rim.
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mask import polygon_mask
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER

LIP_SHARE = 0.2  # the reddest fifth of the lip ring's pixels gives the lips' colour
INTERIOR_REDNESS = 0.45  # a pixel less red than this share of the lips' redness is interior ...
INTERIOR_DARKNESS = 0.35  # ... or darker than this share of the lips' brightness
DROP_START, DROP_FULL = 0.03, 0.06  # IOD the target lowers the lower lip by: no cover .. full cover
SOFT = 0.25  # the cover fades in over this share of the thresholds (no hard speckle at the boundary)


def _redness(rgb: np.ndarray) -> np.ndarray:
    """``(R - G) / (R + G + B)`` per pixel (0 for grey teeth and shadow, ~0.1-0.3 for lips), ``(..., 3)`` input."""
    total = np.maximum(rgb.sum(axis=-1), 1e-6)
    return (rgb[..., 0] - rgb[..., 1]) / total


def lower_lip_drop(src: np.ndarray, dst: np.ndarray) -> float:
    """How far (IOD) the target moves the lower inner lip's middle (point 14) down the face (nose bridge 168 to chin
    152) from the source, ``(>= 468, 2)`` landmarks each; negative when it rises."""
    down = src[152, :2] - src[168, :2]
    iod = float(np.linalg.norm(src[33, :2] - src[263, :2]))
    return float(np.dot(dst[14, :2] - src[14, :2], down) / max(np.linalg.norm(down) * iod, 1e-6))


def cover_weight(src: np.ndarray, dst: np.ndarray, fill: float) -> float:
    """How far to cover (0..1): only where the mouth fill covers the opening (``fill`` above a half) and the target
    drops the lower lip (``DROP_START`` .. ``DROP_FULL`` IOD), carrying the source's rim down with it. A slight
    parting (disgust's raised upper lip) or an opening made by the upper lip leaves the source's lower lip where
    it was, rim and all, and is left alone."""
    drop = float(np.clip((lower_lip_drop(src, dst) - DROP_START) / (DROP_FULL - DROP_START), 0.0, 1.0))
    return float(np.clip(2.0 * fill - 1.0, 0.0, 1.0)) * drop


def lip_colour(frame: np.ndarray, landmarks: np.ndarray) -> np.ndarray | None:
    """The lips' colour in ``frame``: median of the reddest ``LIP_SHARE`` of the brighter half of the pixels between
    the inner and outer lip outlines of ``landmarks`` ``(>= 468, 2)``; None when there are too few such pixels or no red lips."""
    outline = landmarks[list(LIPS_OUTER), :2]
    window = polygon_mask(outline, frame.shape[:2], 0.0)
    h, w = window.alpha.shape
    if h == 0 or w == 0:
        return None
    inner = polygon_mask(landmarks[list(LIPS_INNER), :2] - (window.x0, window.y0), (h, w), 0.0).full((h, w))
    band = (window.alpha > 0) & ~(inner > 0)
    if band.sum() < 8:
        return None
    pixels = frame[window.y0 : window.y0 + h, window.x0 : window.x0 + w][band].astype(np.float64)
    bright = pixels[pixels.mean(axis=1) >= np.median(pixels.mean(axis=1))]  # not the dark of an open mouth
    red = _redness(bright)
    colour = np.median(bright[red >= np.quantile(red, 1.0 - LIP_SHARE)], axis=0)
    return colour if _redness(colour[None])[0] > 0.0 and colour.mean() > 0.0 else None


def cover_interior_band(rgb: np.ndarray, box: tuple[int, int, int, int], dst: np.ndarray,
                        weight: float, colour: np.ndarray | None) -> tuple[np.ndarray, float]:
    """Paint mouth interior lying on the target's lower lip (between the inner and outer lip outlines, below the
    line through the inner mouth corners) in the lips' colour.

    Args:
        rgb: ``(h, w, 3) float32`` scene-linear warped face over ``box`` (after the mouth fill).
        box: ``(x0, y0, x1, y1)`` frame pixels of ``rgb``.
        dst: ``(>= 468, 2)`` target landmarks, frame pixels.
        weight: 0..1, how far to cover (:func:`cover_weight`: 0 where the target does not part the lips
            further than the source or drop the lower lip, so such an edit is untouched).
        colour: ``(3,)`` the lips' colour (:func:`lip_colour` of the source frame), None: nothing is covered.

    Returns:
        ``(rgb, covered)``: a new array where anything was covered (else ``rgb`` itself), and the share of the
        lip band's pixels covered (0..1, a render flag).

    Raises:
        ValueError: ``rgb`` is not ``(h, w, 3)`` matching ``box``, or ``dst`` has fewer than 468 points.
    """
    x0, y0, x1, y1 = box
    if rgb.ndim != 3 or rgb.shape != (y1 - y0, x1 - x0, 3) or dst.ndim != 2 or dst.shape[0] < 468:
        raise ValueError(f"cover_interior_band: expected rgb (h, w, 3) matching box {box} and dst (>= 468, 2); "
                         f"got {rgb.shape} and {dst.shape}")
    if weight <= 0.0 or colour is None:
        return rgb, 0.0
    size = (y1 - y0, x1 - x0)
    outer = polygon_mask(dst[list(LIPS_OUTER), :2] - (x0, y0), size, 0.0).full(size)
    inner = polygon_mask(dst[list(LIPS_INNER), :2] - (x0, y0), size, 0.0).full(size)
    (cx0, cy0), (cx1, cy1) = dst[78, :2] - (x0, y0), dst[308, :2] - (x0, y0)  # inner mouth corners
    ys, xs = np.mgrid[0 : size[0], 0 : size[1]]
    below = (ys - cy0) * (cx1 - cx0) - (xs - cx0) * (cy1 - cy0) > 0  # under the corner-to-corner line (image y down)
    band = (outer > 0) & ~(inner > 0) & (below if cx1 > cx0 else ~below)
    if band.sum() < 8:
        return rgb, 0.0
    pixels = rgb[band].astype(np.float64)
    red = _redness(pixels)
    lip_red, lip_bright = float(_redness(colour[None])[0]), float(colour.mean())
    pale = np.clip((INTERIOR_REDNESS * lip_red - red) / (SOFT * INTERIOR_REDNESS * lip_red) + 1.0, 0.0, 1.0)
    dark = np.clip((INTERIOR_DARKNESS * lip_bright - pixels.mean(axis=1))
                   / (SOFT * INTERIOR_DARKNESS * lip_bright) + 1.0, 0.0, 1.0)
    cover = weight * np.maximum(pale, dark)
    if not cover.any():
        return rgb, 0.0
    out = rgb.copy()
    out[band] = (pixels + cover[:, None] * (colour - pixels)).astype(np.float32)
    return out, float((cover > 0.5).mean())
