"""Rendered face -> face plate: blending in the data window, premultiplied plate."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.composite.blend import channel_weighted, blend_difference, max_levels
from ned_core.composite.config import CompositeConfig
from ned_core.composite.mask import blend_mask
from ned_core.exceptions import RenderInputError
from ned_core.io.exr_plate import FacePlate, face_data_window
from ned_core.render.base import RenderedFace


def face_box(src: np.ndarray, dst: np.ndarray) -> tuple[float, float, float, float]:
    """``(x0, y0, x1, y1)`` bounds of the source and target 468 mesh points (frame pixels)."""
    pts = np.vstack([np.asarray(src)[:468, :2], np.asarray(dst)[:468, :2]]).astype(np.float64)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


def composite_face(frame: np.ndarray, rendered: RenderedFace, src: np.ndarray, dst: np.ndarray,
                   config: CompositeConfig = CompositeConfig()) -> FacePlate:
    """Blend the rendered face over the source frame in the data window and return the face plate.

    The data window is the face box (source and target meshes) grown by ``config.margin``. Inside
    it the render is Laplacian-blended over the frame with :func:`blend_mask` (times the render's
    coverage); the pyramid depth is limited so the coarsest band fades out inside the window.
    The plate holds ``A = facemask.A = mask`` and premultiplied colour ``RGB = blend - (1 - A) * frame``,
    so a standard premultiplied *over* of the plate onto the source reproduces the blend exactly
    (:func:`merge_over`). Where ``A = 0`` the colour is the blend's low-frequency correction near
    the mask edge (small, exactly 0 once outside the bands' reach), and 0 elsewhere; pixels outside the
    data window are the source by definition.

    Args:
        frame: ``(H, W, 3) float32`` scene-linear source frame.
        rendered: the renderer's output for this frame (frame pixels).
        src, dst: ``(478, 3)`` source and target landmarks, frame pixels.
        config: blend settings.

    Returns:
        The :class:`FacePlate` (``display_size = (W, H)``).

    Raises:
        RenderInputError: malformed frame, or a render box that does not fit the frame.
        FaceBoxError: the face lies outside the frame.
    """
    if frame.ndim != 3 or frame.shape[2] != 3:
        raise RenderInputError(f"frame {rendered.frame}: expected frame (H, W, 3) float32, got {frame.shape}")
    height, width = frame.shape[:2]
    bx0, by0, bx1, by1 = rendered.box
    if not (0 <= bx0 <= bx1 <= width and 0 <= by0 <= by1 <= height) or rendered.rgb.shape != (by1 - by0, bx1 - bx0, 3):
        raise RenderInputError(f"frame {rendered.frame}: render box {rendered.box} with rgb {rendered.rgb.shape} "
                               f"does not fit the {width}x{height} frame")
    window = face_data_window(face_box(src, dst), (width, height), config.margin)
    x0, y0, x1, y1 = window
    base = np.asarray(frame[y0:y1, x0:x1], np.float32)
    diff, coverage = np.zeros(base.shape, np.float32), np.zeros(base.shape[:2], np.float32)
    ix0, iy0, ix1, iy1 = max(x0, bx0), max(y0, by0), min(x1, bx1), min(y1, by1)
    if ix1 > ix0 and iy1 > iy0:
        inner = (slice(iy0 - y0, iy1 - y0), slice(ix0 - x0, ix1 - x0))
        box = (slice(iy0 - by0, iy1 - by0), slice(ix0 - bx0, ix1 - bx0))
        np.subtract(rendered.rgb[box], base[inner], out=diff[inner])
        coverage[inner] = np.clip(rendered.coverage[box], 0.0, 1.0)
    mask = blend_mask(src, dst, window, config)
    mask *= coverage
    rgb = channel_weighted(mask, base)  # premultiplied source: merging it alone gives back the source
    support = _support(mask)
    if support is not None:
        # the bands reach a few coarsest-level pixels beyond the mask; blend only that part of the window
        sy, sx, room = support
        levels = max_levels(sy.stop - sy.start, sx.stop - sx.start, room, config.levels)
        # (starting on the coarsest grid, so the result is the same as blending the whole window)
        cell = 2 ** (levels - 1)
        reach = 3 * cell
        sy = slice(max(0, (sy.start - reach) // cell * cell), min(y1 - y0, sy.stop + reach))
        sx = slice(max(0, (sx.start - reach) // cell * cell), min(x1 - x0, sx.stop + reach))
        rgb[sy, sx] += blend_difference(diff[sy, sx], mask[sy, sx], levels)
    rgba = cv2.merge([rgb, mask])
    return FacePlate(int(rendered.frame), (width, height), window, rgba, mask)


def _support(mask: np.ndarray) -> tuple[slice, slice, float] | None:
    """Rows and columns where ``mask > 0``, and their distance in pixels to the nearest window edge."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if len(rows) == 0:
        return None
    h, w = mask.shape
    room = float(min(rows[0], cols[0], h - 1 - rows[-1], w - 1 - cols[-1]))
    return slice(int(rows[0]), int(rows[-1]) + 1), slice(int(cols[0]), int(cols[-1]) + 1), room


def merge_over(frame: np.ndarray, plate: FacePlate) -> np.ndarray:
    """The full-frame composite: the premultiplied plate *over* the source frame (previews, comps).

    Args:
        frame: ``(H, W, 3) float32`` source frame.
        plate: its face plate.

    Returns:
        ``(H, W, 3) float32``: ``plate.RGB + (1 - plate.A) * frame`` in the data window, the frame elsewhere.
    """
    out = np.array(frame, dtype=np.float32, copy=True)
    x0, y0, x1, y1 = plate.data_window
    out[y0:y1, x0:x1] = over_window(out[y0:y1, x0:x1], plate)
    return out


def over_window(under: np.ndarray, plate: FacePlate) -> np.ndarray:
    """The premultiplied plate *over* ``under``, the ``(h, w, 3) float32`` source pixels of its data window only
    (what :func:`merge_over` gives there, bit for bit)."""
    return plate.rgba[..., :3] + channel_weighted(1.0 - plate.rgba[..., 3], under)
