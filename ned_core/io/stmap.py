"""The plate's STMap layer: the normalised source position each output pixel samples (Nuke's STMap convention).

Nuke's STMap node moves pixels by a two-channel map whose values are "the absolute position of the source
pixel ... normalized to be between 0 and 1, where 0 is the bottom left corner of the input image, and 1 is
the top right corner" (Foundry, Nuke Reference Guide: STMap). Nuke's pixel ``(x, y)`` (y up) has its centre at
``(x + 0.5, y + 0.5)``, so a source position ``(sx, sy)`` in our pixels (x right, y down from the top, pixel
centres at integers, as ``cv2.remap`` samples) is ``u = (sx + 0.5) / W``, ``v = 1 - (sy + 0.5) / H`` over the
display window ``W x H``. An unwarped pixel holds its own centre (the identity map).

The plate's map is the warp weighted by the plate's blend mask (``facemask.A``): the warp where the mask is 1,
identity where it is 0 (outside the face), the positions blended in between. So Nuke's STMap node applied to a
denoised plate with this map alone gives the edit's geometry, regrain on top. What the warp cannot carry stays
in the plate's RGB only: mouth interiors filled from other frames or synthesised, lips painted shut, a smile's
shading softened.

The layer is written as ``stmap.u`` / ``stmap.v`` in 32-bit float whatever the plate's compression: DWA
compresses channels named R, G or B lossily even in float (measured: up to 0.0017 = 3.5 pixels at 2K), so
the map does not use those names.
"""

from __future__ import annotations

import numpy as np

STMAP_LAYER = "stmap"
STMAP_CHANNELS = ("stmap.u", "stmap.v")
#: Recorded as ``ned/stmap`` in plates that carry the layer.
STMAP_NOTE = ("stmap.u/stmap.v: float source position each pixel samples, Nuke STMap convention "
              "u = (x + 0.5) / width, v = 1 - (y + 0.5) / height (y down from the top of the display window); "
              "the warp weighted by facemask.A, identity outside the face; mouth-interior fills, lip seal and "
              "smile shading are not in the map")


def to_stmap(sample_x: np.ndarray, sample_y: np.ndarray, display_size: tuple[int, int]) -> np.ndarray:
    """``(h, w, 2) float32`` ``(u, v)`` of source positions ``sample_x, sample_y (h, w)`` in display pixels."""
    width, height = display_size
    u = (np.asarray(sample_x, np.float64) + 0.5) / width
    v = 1.0 - (np.asarray(sample_y, np.float64) + 0.5) / height
    return np.dstack([u, v]).astype(np.float32)


def identity_stmap(window: tuple[int, int, int, int], display_size: tuple[int, int]) -> np.ndarray:
    """``(h, w, 2) float32`` identity map over ``window`` ``(x0, y0, x1, y1)`` (display pixels, exclusive)."""
    x0, y0, x1, y1 = window
    xs, ys = np.meshgrid(np.arange(x0, x1), np.arange(y0, y1))
    return to_stmap(xs, ys, display_size)


def warp_stmap(window: tuple[int, int, int, int], display_size: tuple[int, int], box: tuple[int, int, int, int],
               sample_x: np.ndarray, sample_y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The STMap over a plate's ``window``: identity, moved by a warp's sampling positions times ``weight``.

    Args:
        window: the plate's data window ``(x0, y0, x1, y1)``, display pixels, exclusive.
        display_size: ``(W, H)``.
        box: the warp's box ``(x0, y0, x1, y1)`` in display pixels.
        sample_x, sample_y: ``(box h, box w)`` source position each box pixel samples, display pixels.
        weight: ``(h, w)`` in 0..1 over ``window``: the share of the warp each pixel takes (the blend mask).

    Returns:
        ``(h, w, 2) float32`` ``(u, v)`` over ``window``.
    """
    identity = identity_stmap(window, display_size)
    out = identity.copy()
    x0, y0, x1, y1 = window
    bx0, by0, bx1, by1 = box
    ix0, iy0, ix1, iy1 = max(x0, bx0), max(y0, by0), min(x1, bx1), min(y1, by1)
    if ix1 > ix0 and iy1 > iy0:
        part = (slice(iy0 - by0, iy1 - by0), slice(ix0 - bx0, ix1 - bx0))
        out[iy0 - y0:iy1 - y0, ix0 - x0:ix1 - x0] = to_stmap(sample_x[part], sample_y[part], display_size)
    return identity + np.asarray(weight, np.float32)[..., None] * (out - identity)
